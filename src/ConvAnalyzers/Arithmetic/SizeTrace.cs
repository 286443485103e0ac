using System.Collections.Generic;

namespace ConvAnalyzers.Arithmetic;

/// <summary>A traced size's place in its <see cref="SizeTrace"/>: the step that computes it from the free size.</summary>
internal sealed class SizeNode
{
    internal SizeNode(SizeTrace trace, int step)
    {
        Trace = trace;
        Step = step;
    }

    public SizeTrace Trace { get; }

    public int Step { get; }
}

/// <summary>What a step of a <see cref="SizeTrace"/> computes.</summary>
internal enum SizeStep : byte
{
    /// <summary>The free size itself.</summary>
    Variable,

    /// <summary>A size that does not depend on the free one.</summary>
    Constant,

    /// <summary>One spatial dimension of a conv-family, pool or upsampling layer (<see cref="ShapeAlgebra.SpatialSize"/>).</summary>
    Spatial,

    Add,
    Subtract,
    Multiply,

    /// <summary>C#'s integer division (towards zero), as the interpreter evaluates <c>/</c>.</summary>
    Divide,

    /// <summary>C#'s <c>%</c>.</summary>
    Remainder,

    /// <summary>1 when equal, else 0: a decision.</summary>
    Equal,

    /// <summary>1 when the first is smaller, else 0: a decision.</summary>
    Less,

    /// <summary>One dimension of two broadcast operands: equal, or one of them 1.</summary>
    Broadcast,

    /// <summary>The size itself, with the decision whether it is at least 1 (a layer's input check).</summary>
    AtLeastOne,

    /// <summary>⌊size · factor⌋ for a real factor (interpolate's scale_factor); out of the integer range is its failure.</summary>
    ScaleFloor,
}

/// <summary>
/// One run of forward on one free size, recorded as integer steps: every size that depends on the free one is a step
/// computed from it, and every decision taken on such a size (a layer's outcome, a comparison, a branch, an equality
/// a join or the judgement of the run made) is kept with the outcome it had. Another size that gives every step the
/// same outcome takes the same path through the interpreter, so its run is that of the recorded one with the sizes
/// the steps give: the free-size sweep judges it by arithmetic alone (<see cref="Matches"/>), without running forward.
/// A traced size read in any other way (<see cref="Dim.Value"/>, <see cref="Dim.Known"/>, a hash) breaks the trace: its
/// use is not recorded, so the trace is never replayed and every size runs forward.
/// </summary>
internal sealed class SizeTrace
{
    [System.ThreadStatic]
    private static SizeTrace? s_recording;

    private readonly SizeTrace? _outer;
    private readonly SizeTable _table;
    private readonly long _size;
    private readonly List<int> _entries = new();
    private readonly List<int> _expected = new();
    private readonly HashSet<int> _entered = new();

    private SizeTrace(SizeTrace? outer, SizeTable table, long size)
    {
        _outer = outer;
        _table = table;
        _size = size;
    }

    /// <summary>The trace being recorded on this thread, if any.</summary>
    public static SizeTrace? Recording => s_recording;

    /// <summary>Tests set it to learn where traces break (a stack trace per broken trace).</summary>
    public static bool CaptureBreaks { get; set; }

    /// <summary>True once a traced size was used in a way the trace does not record.</summary>
    public bool Broken { get; private set; }

    /// <summary>With <see cref="CaptureBreaks"/>: what broke the trace, and where.</summary>
    public string? BrokenBy { get; private set; }

    /// <summary>How many steps the trace holds (the free size is the first).</summary>
    public int Count => _entries.Count;

    /// <summary>Starts recording on this thread, with the free size at <paramref name="size"/>; <see cref="End"/> stops it.</summary>
    public static SizeTrace Begin(long size, out Dim variable) => Begin(size, new SizeTable(), out variable);

    /// <summary>
    /// Starts recording a trace whose steps go into <paramref name="table"/>, shared by the traces of one sweep family:
    /// a step several traces hold is evaluated once per size judged.
    /// </summary>
    public static SizeTrace Begin(long size, SizeTable table, out Dim variable)
    {
        var trace = new SizeTrace(s_recording, table, size);
        trace.Enter(0);
        variable = Dim.Traced(size, new SizeNode(trace, 0));
        s_recording = trace;
        return trace;
    }

    public void End() => s_recording = _outer;

    /// <summary>
    /// True when every step of the trace has, at <paramref name="size"/>, the outcome it had when recorded: then the run
    /// on <paramref name="size"/> takes the recorded path, and the judgement of the recorded run holds for it.
    /// </summary>
    public bool Matches(long size)
    {
        if (Broken)
        {
            return false;
        }

        // The entries are in the order the run made them, so each one's operands come before it: one pass, no recursion.
        var table = _table;
        var entries = _entries;
        var expected = _expected;
        for (var i = 0; i < entries.Count; i++)
        {
            if (table.Next(entries[i], size) != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A read of a traced size that the trace does not record: its trace cannot be replayed.</summary>
    internal static void Untraced(SizeNode node)
    {
        if (s_recording is { } trace)
        {
            trace.Break("a traced size was read");
        }
    }

    /// <summary>Two known sizes compared for equality, at least one traced: the comparison is a decision of the trace.</summary>
    internal static bool Same(Dim a, Dim b)
    {
        var equal = a.Peek == b.Peek;
        if (s_recording is { } trace)
        {
            Decide(SizeStep.Equal, a, b, equal);
        }

        return equal;
    }

    /// <summary>True when any of the sizes is traced.</summary>
    public static bool AnyTraced(Dim[] dims)
    {
        foreach (var dim in dims)
        {
            if (dim.Node is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="a"/> and <paramref name="b"/> (known sizes) combined by <paramref name="kind"/>, where the caller
    /// computed <paramref name="result"/>: traced when either operand is and a trace records, else the plain size.
    /// </summary>
    public static Dim Combine(SizeStep kind, Dim a, Dim b, long result)
    {
        if ((a.Node is null && b.Node is null) || s_recording is not { } trace)
        {
            return Dim.Of(result);
        }

        return trace.Node(trace.Add(new Step(kind, trace.StepOf(a), trace.StepOf(b), 0, null, 0)), result);
    }

    /// <summary>A decision on two known sizes (<see cref="SizeStep.Equal"/> or <see cref="SizeStep.Less"/>), recorded with its outcome.</summary>
    public static void Decide(SizeStep kind, Dim a, Dim b, bool outcome)
    {
        if ((a.Node is null && b.Node is null) || s_recording is not { } trace)
        {
            return;
        }

        var step = trace.Add(new Step(kind, trace.StepOf(a), trace.StepOf(b), 0, null, 0));
        if (trace.ValueOf(step) != (outcome ? 1 : 0))
        {
            trace.Break("a decision the steps compute otherwise");
        }
    }

    /// <summary>⌊<paramref name="size"/> · <paramref name="factor"/>⌋ (a known size), traced when the size is; null out of the integer range.</summary>
    public static Dim? ScaleFloor(Dim size, double factor)
    {
        var value = ScaleFloor(size.Peek, factor, out var outcome);
        var traced = size.Node is not null && s_recording is { } trace
            ? trace.Node(trace.Add(new Step(SizeStep.ScaleFloor, trace.StepOf(size), 0, System.BitConverter.DoubleToInt64Bits(factor), null, 0)), value)
            : Dim.Of(value);
        return outcome == 0 ? traced : null;
    }

    private static long ScaleFloor(long size, double factor, out int outcome)
    {
        var scaled = System.Math.Floor(size * factor);
        outcome = scaled >= 9.2e18 || scaled <= -9.2e18 || double.IsNaN(scaled) ? 1 : 0;
        return outcome == 0 ? (long)scaled : 0;
    }

    /// <summary>A traced size checked to be at least 1 (a layer that computes nothing from it, but checks it).</summary>
    public static void AtLeastOne(Dim size)
    {
        if (size.Node is not null && s_recording is { } trace)
        {
            trace.Add(new Step(SizeStep.AtLeastOne, trace.StepOf(size), 0, 0, null, 0));
        }
    }

    /// <summary>The size one spatial dimension of a layer gives from a traced input, which the caller computed as <paramref name="output"/> (null when the layer failed).</summary>
    public static Dim Spatial(LayerGeometry g, int dim, Dim input, OutputPaddingSemantics semantics, long? output)
    {
        if (input.Node is null || s_recording is not { } trace)
        {
            return Dim.Of(output ?? 0);
        }

        var step = trace.Add(new Step(SizeStep.Spatial, trace.StepOf(input), 0, 0, g, dim) { Semantics = semantics, Plan = ShapeAlgebra.SpatialPlan.For(g, dim, semantics) });
        if (output is long size && (trace.OutcomeOf(step) != 0 || trace.ValueOf(step) != size))
        {
            trace.Break($"{g.TorchName}'s size in dimension {dim} computed otherwise");
        }

        return Dim.Traced(output ?? 0, new SizeNode(trace, step));
    }

    /// <summary>
    /// A layer of <see cref="ShapeAlgebra.Forward"/> applied to <paramref name="input"/> while a trace records: every traced
    /// size it checks becomes a decision, and every output size that follows from a traced one a step (written into
    /// <paramref name="output"/>, computed by the caller, null when the layer failed). What the steps do not follow —
    /// a traced channel or batch, <c>forward(x, output_size)</c>, Unflatten — breaks the trace.
    /// </summary>
    public static void Layer(LayerGeometry g, Dim[] input, Dim[]? output, bool requested)
    {
        if (s_recording is not { } trace || !AnyTraced(input))
        {
            return;
        }

        if (requested)
        {
            trace.Break($"{g.TorchName}.forward(x, output_size) on a traced size");
            return;
        }

        var n = input.Length;
        switch (g.Kind)
        {
            case LayerKind.Linear:
                foreach (var dim in input)
                {
                    AtLeastOne(dim);
                }

                if (g.InChannels is long features && n > 0)
                {
                    Decide(SizeStep.Equal, input[n - 1], Dim.Of(features), input[n - 1].Peek == features);
                }

                if (output is not null && output.Length == n)
                {
                    for (var i = 0; i < n - 1; i++)
                    {
                        output[i] = input[i];
                    }
                }

                return;
            case LayerKind.BatchNorm:
                if (n > 1 && input[1].Node is not null)
                {
                    trace.Break($"{g.TorchName} on a traced channel count");
                    return;
                }

                foreach (var dim in input)
                {
                    AtLeastOne(dim);
                }

                if (output is not null && output.Length == n)
                {
                    System.Array.Copy(input, output, n);
                }

                return;
            case LayerKind.Flatten:
                foreach (var dim in input)
                {
                    AtLeastOne(dim);
                }

                if (output is null || g.StartDim is not long startDim || g.EndDim is not long endDim || n == 0)
                {
                    return;
                }

                var start = (int)(startDim < 0 ? startDim + n : startDim);
                var end = (int)(endDim < 0 ? endDim + n : endDim);
                if (output.Length != n - (end - start))
                {
                    trace.Break("Flatten's output has an unexpected rank");
                    return;
                }

                for (var i = 0; i < start; i++)
                {
                    output[i] = input[i];
                }

                var product = input[start];
                for (var i = start + 1; i <= end; i++)
                {
                    product = Combine(SizeStep.Multiply, product, input[i], CheckedMath.Mul(product.Peek, input[i].Peek) ?? 0);
                }

                output[start] = product.Node is null ? output[start] : product;
                for (var i = end + 1; i < n; i++)
                {
                    output[i - (end - start)] = input[i];
                }

                return;
            case LayerKind.Unflatten:
                trace.Break("Unflatten on a traced size");
                return;
        }

        var rank = g.SpatialRank;
        if (rank == 0 || n < rank)
        {
            trace.Break($"{g.TorchName} on a traced size of an input it does not take");
            return;
        }

        for (var i = 0; i < n - rank; i++)
        {
            if (input[i].Node is not null)
            {
                trace.Break($"{g.TorchName} on a traced channel or batch");
                return;
            }
        }

        for (var d = 0; d < rank; d++)
        {
            var position = n - rank + d;
            if (input[position].Node is null)
            {
                continue;
            }

            long? size = output is not null && output.Length == n ? output[position].Peek : null;
            var traced = Spatial(g, d, input[position], OutputPaddingSemantics.TorchSharpForward, size);
            if (size is not null)
            {
                output![position] = traced;
            }
        }
    }

    /// <summary>Ends the trace's replay: a traced size is used in a way the steps do not follow.</summary>
    public void Break(string why)
    {
        if (!Broken)
        {
            Broken = true;
            if (CaptureBreaks)
            {
                BrokenBy = why + "\n" + new System.Diagnostics.StackTrace(1, false);
            }
        }
    }

    private Dim Node(int step, long result)
    {
        if (ValueOf(step) != result)
        {
            Break("a size the steps compute otherwise");
        }

        return Dim.Traced(result, new SizeNode(this, step));
    }

    private int StepOf(Dim size)
    {
        if (size.Node is { } node)
        {
            if (ReferenceEquals(node.Trace, this))
            {
                return node.Step;
            }

            // A size traced by another run (a summary kept across runs): nothing links it to this free size.
            Break("a size traced by another run");
        }

        return Add(new Step(SizeStep.Constant, 0, 0, size.Peek, null, 0));
    }

    private int Add(Step step)
    {
        var index = _table.Add(step);
        Enter(index);
        return index;
    }

    /// <summary>Adds a step of the table to the trace (once), with the outcome it has at the recorded size.</summary>
    private void Enter(int index)
    {
        // A constant's outcome never changes (the table sets its value once): replaying need not check it.
        if (_entered.Add(index) && !_table.IsConstant(index))
        {
            _entries.Add(index);
            _expected.Add(OutcomeOf(index));
        }
    }

    private long ValueOf(int step) => _table.Evaluate(step, _size, out _);

    private int OutcomeOf(int step)
    {
        _table.Evaluate(step, _size, out var outcome);
        return outcome;
    }

    /// <summary>The steps of the traces of one sweep family, each kept once, with their values at the size last judged.</summary>
    internal sealed class SizeTable
    {
        private readonly Dictionary<(SizeStep, int, int, long, LayerGeometry?, int), int> _known = new();
        private Step[] _steps = new Step[32];
        private long[] _values = new long[32];
        private int[] _outcomes = new int[32];
        private long[] _at = new long[32];
        private readonly Stack<int> _pending = new();
        private int _count;

        public SizeTable() => Add(new Step(SizeStep.Variable, 0, 0, 0, null, 0));

        public int Add(Step step)
        {
            var key = (step.Kind, step.A, step.B, step.Constant, step.Geometry, (step.Dimension * 4) + (int)step.Semantics);
            if (_known.TryGetValue(key, out var existing))
            {
                return existing;
            }

            if (_count == _steps.Length)
            {
                System.Array.Resize(ref _steps, _count * 2);
                System.Array.Resize(ref _values, _count * 2);
                System.Array.Resize(ref _outcomes, _count * 2);
                System.Array.Resize(ref _at, _count * 2);
            }

            _steps[_count] = step;
            _at[_count] = long.MinValue;
            if (step.Kind == SizeStep.Constant)
            {
                // Set once: the steps that read it take its value without evaluating it again.
                _values[_count] = step.Constant;
                _outcomes[_count] = 0;
            }

            _known[key] = _count;
            return _count++;
        }

        /// <summary>True when the step is a constant (its value is set when it is added and never changes).</summary>
        public bool IsConstant(int index) => _steps[index].Kind == SizeStep.Constant;

        /// <summary>The step's value and outcome at <paramref name="size"/>, computed once per size.</summary>
        public long Evaluate(int index, long size, out int outcome)
        {
            if (_at[index] != size)
            {
                Compute(index, size);
            }

            outcome = _outcomes[index];
            return _values[index];
        }

        /// <summary>
        /// The outcome of a step at <paramref name="size"/> whose operands are already evaluated at that size (a trace's
        /// entries in their order): the replay's inner loop.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public int Next(int index, long size)
        {
            if (_at[index] != size)
            {
                ref readonly var step = ref _steps[index];
                var a = step.Kind is SizeStep.Variable or SizeStep.Constant ? 0 : _values[step.A];
                var b = step.Kind is SizeStep.Variable or SizeStep.Constant or SizeStep.Spatial or SizeStep.AtLeastOne or SizeStep.ScaleFloor ? 0 : _values[step.B];
                _values[index] = SizeTrace.Evaluate(step, a, b, size, out _outcomes[index]);
                _at[index] = size;
            }

            return _outcomes[index];
        }

        /// <summary>The step and the operands it needs at <paramref name="size"/>, without recursion (a trace may chain thousands of layers).</summary>
        private void Compute(int index, long size)
        {
            var pending = _pending;
            pending.Clear();
            pending.Push(index);
            while (pending.Count > 0)
            {
                var i = pending.Peek();
                if (_at[i] == size)
                {
                    pending.Pop();
                    continue;
                }

                ref readonly var step = ref _steps[i];
                var operands = step.Kind switch
                {
                    SizeStep.Variable or SizeStep.Constant => 0,
                    SizeStep.Spatial or SizeStep.AtLeastOne or SizeStep.ScaleFloor => 1,
                    _ => 2,
                };
                var ready = true;
                if (operands >= 1 && _at[step.A] != size)
                {
                    pending.Push(step.A);
                    ready = false;
                }

                if (operands == 2 && _at[step.B] != size)
                {
                    pending.Push(step.B);
                    ready = false;
                }

                if (!ready)
                {
                    continue;
                }

                _values[i] = SizeTrace.Evaluate(step, operands >= 1 ? _values[step.A] : 0, operands == 2 ? _values[step.B] : 0, size, out _outcomes[i]);
                _at[i] = size;
                pending.Pop();
            }
        }
    }

    private static long Evaluate(in Step step, long a, long b, long size, out int outcome)
    {
        outcome = 0;
        switch (step.Kind)
        {
            case SizeStep.Variable:
                return size;
            case SizeStep.Constant:
                return step.Constant;
            case SizeStep.Spatial:
                return step.Plan!.Evaluate(a, out outcome);
            case SizeStep.AtLeastOne:
                outcome = a >= 1 ? 0 : 1;
                return a;
            case SizeStep.ScaleFloor:
                return ScaleFloor(a, System.BitConverter.Int64BitsToDouble(step.Constant), out outcome);
        }

        switch (step.Kind)
        {
            case SizeStep.Add:
                return CheckedMath.Add(a, b) is long sum ? sum : Overflowed(out outcome);
            case SizeStep.Subtract:
                return CheckedMath.Sub(a, b) is long difference ? difference : Overflowed(out outcome);
            case SizeStep.Multiply:
                return CheckedMath.Mul(a, b) is long product ? product : Overflowed(out outcome);
            case SizeStep.Divide:
                return b == 0 || (a == long.MinValue && b == -1) ? Overflowed(out outcome) : a / b;
            case SizeStep.Remainder:
                return b == 0 || (a == long.MinValue && b == -1) ? Overflowed(out outcome) : a % b;
            case SizeStep.Equal:
                outcome = a == b ? 1 : 0;
                return outcome;
            case SizeStep.Less:
                outcome = a < b ? 1 : 0;
                return outcome;
            default:
                // Broadcast: the outcome tells which operand the result is (or that they do not broadcast).
                outcome = a == b ? 0 : b == 1 ? 1 : a == 1 ? 2 : 3;
                return outcome switch { 0 or 1 => a, 2 => b, _ => 0 };
        }
    }

    private static long Overflowed(out int outcome)
    {
        outcome = 1;
        return 0;
    }

    internal readonly struct Step
    {
        public Step(SizeStep kind, int a, int b, long constant, LayerGeometry? geometry, int dimension)
        {
            Kind = kind;
            A = a;
            B = b;
            Constant = constant;
            Geometry = geometry;
            Dimension = dimension;
            Semantics = OutputPaddingSemantics.TorchSharpForward;
        }

        public SizeStep Kind { get; }

        public int A { get; }

        public int B { get; }

        public long Constant { get; }

        public LayerGeometry? Geometry { get; }

        public int Dimension { get; }

        public OutputPaddingSemantics Semantics { get; init; }

        /// <summary>A spatial step's arithmetic, compiled once.</summary>
        public ShapeAlgebra.SpatialPlan? Plan { get; init; }
    }
}
