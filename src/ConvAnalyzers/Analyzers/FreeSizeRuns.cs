using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Results;

namespace ConvAnalyzers.Analyzers;

/// <summary>How one size fares: accepted, rejected by a named layer or op, or unknown (then nothing is claimed).</summary>
internal enum SizeVerdict
{
    Accepted,
    Rejected,
    Unknown,
}

/// <summary>What rejects a size, as messages name it (<c>cat on line 31</c>); the line is looked up only when a message needs it.</summary>
internal readonly record struct RejectedBy(string Name, Microsoft.CodeAnalysis.SyntaxNode? Node, string Note)
{
    public override string ToString() =>
        Node is null ? Name : $"{Name} on line {Node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}{Note}";
}

/// <summary>What a rejected size does in TorchSharp: throws, gives a ConvTranspose an output below 1, or runs with a wrong shape.</summary>
internal enum Rejection
{
    None,
    Throws,
    EmptyTransposed,
    MisShaped,
}

/// <summary>
/// The sizes one free dimension accepts, with the other free sizes held; of those rejected, the ones that leave a
/// ConvTranspose an output below 1 (libtorch may abort the process on them, so tests predict them rather than run
/// them) and the ones TorchSharp runs although the result is wrong (a decoder that misses its encoder, [OutputShape]).
/// </summary>
internal sealed record FreeDimension(int Position, string Name, IReadOnlyList<long> Accepted, IReadOnlyList<long> Returned)
{
    public IReadOnlyList<long> EmptyTransposed { get; init; } = [];

    public IReadOnlyList<long> MisShaped { get; init; } = [];
}

/// <summary>
/// CONV011's answer for one input: per free dimension the accepted sizes in 1…4096 (with the other free sizes held at
/// <see cref="Held"/>), or, when no size is accepted, what rejects them.
/// </summary>
internal sealed record FreeSizeAnswer(IReadOnlyList<FreeDimension> Dimensions, long Held, bool HasDecoder, string? Rejecter)
{
    /// <summary>The sentence CONV011 reports.</summary>
    public string Message
    {
        get
        {
            if (Rejecter is not null)
            {
                var names = string.Join(" = ", Dimensions.Select(d => d.Name));
                return $"accepts no {(Dimensions.Count > 1 ? names + " (equal sizes)" : names)} in 1…{SizeSet.Limit}: {Rejecter}";
            }

            var text = "accepts " + string.Join(", ", Dimensions.Select(d => SizeSet.Named(d.Name, d.Accepted)));
            if (Dimensions.Count > 1)
            {
                text += $" (each with the other free sizes at {Held.ToString(CultureInfo.InvariantCulture)}, the smallest size all of them accept)";
            }

            if (HasDecoder)
            {
                text += Dimensions.All(d => d.Returned.SequenceEqual(d.Accepted))
                    ? "; returns the input size for every accepted size"
                    : Dimensions.All(d => d.Returned.Count == 0)
                        ? "; returns the input size for no accepted size"
                        : "; returns the input size for " + string.Join(", ", Dimensions.Select(d => d.Returned.Count == d.Accepted.Count ? $"every accepted {d.Name}" : SizeSet.Named(d.Name, d.Returned)));
            }

            return text;
        }
    }
}

/// <summary>
/// The free-size sweep (DESIGN §4, "Free sizes"): forward runs on the interpreter once per size, reusing the module
/// built once and the interpreter's memoised summaries. A size whose run meets anything unknown (a layer without a
/// known shape, a finding that holds only on some paths, an unknown output) ends the sweep without an answer.
/// </summary>
internal static class FreeSizeSweep
{
    /// <summary>Interpreter steps one sweep may spend over all its sizes before it gives no answer.</summary>
    public const long StepBudget = 60_000_000;

    /// <param name="run">Applies forward to one input and returns what it recorded with the steps it took.</param>
    /// <param name="shape">The input with every free size at a placeholder; <paramref name="free"/> names the positions swept.</param>
    /// <param name="declaredOutput">[OutputShape] (-1 = any), checked for every size (CONV009).</param>
    public static FreeSizeAnswer? Run(System.Func<Dim[], (NetworkRecorder Recorder, int Steps)> run, Dim[] shape, IReadOnlyList<int> free, long[]? declaredOutput, CancellationToken cancellationToken)
    {
        var spatialRank = shape.Length - 2;
        var judge = new SizeJudge(run, declaredOutput, cancellationToken);
        bool? hasDecoder = null;
        (SizeVerdict Verdict, RejectedBy? Rejecter, bool[] Returned, Rejection Kind) Try(SizeJudge.Family family, long s)
        {
            var judged = judge.Judge(family, shape, s);
            if (judged.Decoder)
            {
                hasDecoder = true;
            }

            return (judged.Verdict, judged.Rejecter, judged.Returned, judged.Kind);
        }

        var rejecters = new List<RejectedBy>();
        long held = 0;
        var together = new SizeJudge.Family(free, free, 0);
        for (long s = 1; s <= SizeSet.Limit && held == 0; s++)
        {
            var (verdict, rejecter, _, _) = Try(together, s);
            if (verdict == SizeVerdict.Unknown || judge.Spent > StepBudget)
            {
                return null;
            }

            if (verdict == SizeVerdict.Accepted)
            {
                held = s;
                if (judge.Untraceable && judge.Spent + (judge.LastSteps * SizeSet.Limit * free.Count) > StepBudget)
                {
                    // Sizes cannot be replayed and a whole run costs too much to repeat for every size: no answer,
                    // decided before the sweep.
                    return null;
                }
            }
            else
            {
                if (rejecter is { } by && !rejecters.Contains(by))
                {
                    rejecters.Add(by);
                }
            }
        }

        var names = free.Select(i => ArithmeticText.DimensionName(i - 2, spatialRank)).ToList();
        if (held == 0)
        {
            return new FreeSizeAnswer(free.Select((p, k) => new FreeDimension(p, names[k], [], [])).ToList(), 0, false,
                rejecters.Count switch
                {
                    0 => "the network rejects every size",
                    1 => $"{rejecters[0]} rejects every size",
                    _ => $"every size is rejected, by {string.Join(", ", rejecters.Take(rejecters.Count - 1))} or {rejecters[rejecters.Count - 1]}",
                });
        }

        var dimensions = new List<FreeDimension>();
        for (var k = 0; k < free.Count; k++)
        {
            var position = free[k];
            // Per size what it came to (one byte each, the lists built once at their length: growing four lists of up to
            // 4,096 sizes was most of what the sweep allocated).
            var outcomes = new byte[SizeSet.Limit + 1];
            var family = new SizeJudge.Family(free, [position], held);
            for (long s = 1; s <= SizeSet.Limit; s++)
            {
                var (verdict, _, back, kind) = Try(family, s);
                if (verdict == SizeVerdict.Unknown || judge.Spent > StepBudget)
                {
                    return null;
                }

                outcomes[s] = verdict == SizeVerdict.Accepted ? (back[k] ? ReturnedSize : AcceptedSize)
                    : kind == Rejection.EmptyTransposed ? EmptyTransposedSize
                    : kind == Rejection.MisShaped ? MisShapedSize
                    : (byte)0;
            }

            dimensions.Add(new FreeDimension(position, names[k], Sizes(outcomes, AcceptedSize, ReturnedSize), Sizes(outcomes, ReturnedSize, ReturnedSize))
            {
                EmptyTransposed = Sizes(outcomes, EmptyTransposedSize, EmptyTransposedSize),
                MisShaped = Sizes(outcomes, MisShapedSize, MisShapedSize),
            });
        }

        return new FreeSizeAnswer(dimensions, held, hasDecoder == true, null);
    }

    private const byte AcceptedSize = 1;
    private const byte ReturnedSize = 2;
    private const byte EmptyTransposedSize = 3;
    private const byte MisShapedSize = 4;

    /// <summary>The sizes whose outcome is <paramref name="a"/> or <paramref name="b"/>, ascending, in an array of their count.</summary>
    private static long[] Sizes(byte[] outcomes, byte a, byte b)
    {
        var count = 0;
        foreach (var o in outcomes)
        {
            if (o == a || o == b)
            {
                count++;
            }
        }

        var sizes = new long[count];
        var next = 0;
        for (var s = 1; s < outcomes.Length; s++)
        {
            if (outcomes[s] == a || outcomes[s] == b)
            {
                sizes[next++] = s;
            }
        }

        return sizes;
    }

    /// <summary>
    /// How far from a failing size the search for accepted neighbours goes on each side: enough for a U-Net of five
    /// pooling levels (multiples of 32), and a bounded cost for every failing input (at most 64 runs per size searched).
    /// </summary>
    public const long NeighbourDistance = 32;

    /// <summary>
    /// The accepted sizes nearest to a failing concrete input, searched outwards from it: all spatial sizes together
    /// when they are equal (a square input), else each one with the others as written. Null when any size on the way
    /// is unknown (a nearer one might be accepted) or none is found.
    /// </summary>
    public static (string Text, List<(int Position, long Size, long? Below, long? Above)> Neighbours)? Nearest(
        System.Func<Dim[], (NetworkRecorder Recorder, int Steps)> run, Dim[] input, long[]? declaredOutput, CancellationToken cancellationToken)
    {
        var spatial = Enumerable.Range(2, System.Math.Max(0, input.Length - 2)).ToList();
        if (spatial.Count == 0 || spatial.Any(i => !input[i].IsKnown))
        {
            return null;
        }

        var judge = new SizeJudge(run, declaredOutput, cancellationToken);
        var families = new Dictionary<IReadOnlyList<int>, SizeJudge.Family>();
        SizeVerdict Try(IReadOnlyList<int> positions, long size)
        {
            if (!families.TryGetValue(positions, out var family))
            {
                families[positions] = family = new SizeJudge.Family(positions, positions, 0);
            }

            var verdict = judge.Judge(family, input, size).Verdict;
            return judge.Spent > StepBudget ? SizeVerdict.Unknown : verdict;
        }

        // (found, complete): complete when the search reached the end of 1…4096 or found one, so "nearest" is exact.
        (long? Found, bool Exact)? Search(IReadOnlyList<int> positions, long from, int direction)
        {
            for (long distance = 1; distance <= NeighbourDistance; distance++)
            {
                var size = from + (direction * distance);
                if (size < 1 || size > SizeSet.Limit)
                {
                    return (null, true);
                }

                switch (Try(positions, size))
                {
                    case SizeVerdict.Accepted:
                        return (size, true);
                    case SizeVerdict.Unknown:
                        return null;
                }
            }

            return (null, false);
        }

        var groups = spatial.All(i => input[i].Value == input[spatial[0]].Value) ? [spatial] : spatial.Select(i => (IReadOnlyList<int>)[i]).ToList();
        var neighbours = new List<(int Position, long Size, long? Below, long? Above)>();
        var texts = new List<string>();
        foreach (var positions in groups)
        {
            var size = input[positions[0]].Value;
            if (Search(positions, size, -1) is not { } below || Search(positions, size, +1) is not { } above || (below.Found is null && above.Found is null))
            {
                continue;
            }

            var found = string.Join(", ", new[] { below.Found, above.Found }.Where(n => n is not null).Select(n => n!.Value.ToString(CultureInfo.InvariantCulture)));
            var missing = !below.Exact ? $" (none within {NeighbourDistance} below)" : !above.Exact ? $" (none within {NeighbourDistance} above)" : string.Empty;
            var name = groups.Count > 1 ? ArithmeticText.DimensionName(positions[0] - 2, spatial.Count) + " " : string.Empty;
            texts.Add($"{name}{size.ToString(CultureInfo.InvariantCulture)} fails here; nearest accepted: {found}{missing}");
            neighbours.AddRange(positions.Select(p => (p, size, below.Found, above.Found)));
        }

        return texts.Count > 0 ? (string.Join("; ", texts), neighbours) : null;
    }

    /// <summary>
    /// False when the run's first failure holds whatever the spatial sizes (a convolution or norm receiving the wrong
    /// channel count, a rank that does not fit, a hyperparameter libtorch rejects on any input): then no neighbour is
    /// searched for. Only an economy: a failure counted as size-dependent that is not just finds no neighbour.
    /// </summary>
    public static bool MayDependOnSize(NetworkRecorder recorder)
    {
        if (recorder.Layers.FirstOrDefault(l => l.Outcome is { IsValid: false }) is not { } layer)
        {
            return true;
        }

        return layer.Outcome!.Violations.Any(v => v.Rule switch
        {
            Rule.ChannelMismatch => layer.Site.Geometry is { Kind: LayerKind.Linear },
            Rule.RankMismatch => false,
            _ => RuleInfo.Of(v.Rule).DiagnosticId != Diagnostics.RuleIdentifiers.InvalidHyperparameter
                || v.Rule is Rule.PaddingModeExceedsInput or Rule.OutputSizeOutOfRange or Rule.ArithmeticOverflow,
        });
    }

    /// <summary>What the size judges of one thread did (tests read it).</summary>
    internal sealed class SizeJudgeTotals
    {
        public int Runs { get; set; }

        public int Replays { get; set; }

        /// <summary>Steps of the traces kept.</summary>
        public int Steps { get; set; }

        /// <summary>Traces tried per replayed size.</summary>
        public int Tries { get; set; }

        /// <summary>Stopwatch ticks spent matching traces.</summary>
        public long MatchTicks { get; set; }

        public List<string> Broken { get; } = new();

        /// <summary>Why sizes were judged unknown (a finding on some paths, an unknown layer or output).</summary>
        public List<string> Unknown { get; } = new();
    }

    /// <summary>
    /// Judges sizes for the sweep and the neighbour search: a size that a recorded <see cref="SizeTrace"/> of its family
    /// matches is judged as that trace's run was, by arithmetic alone; any other size runs forward once, traced, and its
    /// trace is kept when nothing broke it. The judgement of a traced run reads the traced sizes only through
    /// decisions, so it holds for every size its trace matches.
    /// </summary>
    internal sealed class SizeJudge
    {
        private readonly System.Func<Dim[], (NetworkRecorder Recorder, int Steps)> _run;
        private readonly long[]? _declaredOutput;
        private readonly CancellationToken _cancellationToken;

        public SizeJudge(System.Func<Dim[], (NetworkRecorder Recorder, int Steps)> run, long[]? declaredOutput, CancellationToken cancellationToken)
        {
            _run = run;
            _declaredOutput = declaredOutput;
            _cancellationToken = cancellationToken;
        }

        /// <summary>Trace steps one judge may evaluate over all its sizes (about half a second) before it gives no answer.</summary>
        public const long ReplayBudget = 100_000_000;

        /// <summary>Trace steps evaluated so far (at most, per trace tried, its length).</summary>
        public long Replayed { get; private set; }

        /// <summary>Interpreter steps spent on runs so far.</summary>
        public long Spent { get; private set; }

        /// <summary>The steps of the last run.</summary>
        public long LastSteps { get; private set; }

        /// <summary>Runs of forward so far (sizes no trace matched).</summary>
        public int Runs { get; private set; }

        /// <summary>Sizes judged by a trace, without a run.</summary>
        public int Replays { get; private set; }

        /// <summary>True when the last run's trace broke: sizes of its family run forward one by one.</summary>
        public bool Untraceable { get; private set; }

        /// <summary>What broke the last broken trace (with <see cref="SizeTrace.CaptureBreaks"/>).</summary>
        public string? BrokenBy { get; private set; }

        [System.ThreadStatic]
        private static bool t_runEverySize;

        [System.ThreadStatic]
        private static SizeJudgeTotals? t_totals;

        /// <summary>Tests turn replay off on their thread, to compare it with a run per size.</summary>
        internal static bool RunEverySize
        {
            get => t_runEverySize;
            set => t_runEverySize = value;
        }

        /// <summary>Tests set it on their thread to count the runs and replays of every judge there.</summary>
        internal static SizeJudgeTotals? Totals
        {
            get => t_totals;
            set => t_totals = value;
        }

        /// <summary>
        /// Sizes that vary together: <see cref="Swept"/> take the size judged, the other <see cref="Free"/> positions
        /// are held at <see cref="Held"/>; the traces recorded for them.
        /// </summary>
        public sealed class Family(IReadOnlyList<int> free, IReadOnlyList<int> swept, long held)
        {
            public IReadOnlyList<int> Free { get; } = free;

            public IReadOnlyList<int> Swept { get; } = swept;

            public long Held { get; } = held;

            public List<Replayable> Traces { get; } = new();

            /// <summary>The steps of the family's traces, each evaluated once per size.</summary>
            public SizeTrace.SizeTable Table { get; } = new();

            /// <summary>How many remainders <see cref="ByResidue"/> tells apart (a power of two).</summary>
            public const int Residues = 64;

            /// <summary>Per size mod <see cref="Residues"/>: one more than the trace that matched last (0 for none).</summary>
            public int[] ByResidue { get; } = new int[Residues];

            /// <summary>The trace that matched last (tried first).</summary>
            public int LastHit { get; set; }
        }

        public readonly record struct Judged(SizeVerdict Verdict, RejectedBy? Rejecter, bool[] Returned, Rejection Kind, bool Decoder);

        /// <summary>A kept trace and the judgement of its run.</summary>
        public sealed class Replayable(SizeTrace trace, Judged judged)
        {
            public SizeTrace Trace { get; } = trace;

            public Judged Judged { get; } = judged;
        }

        public Judged Judge(Family family, Dim[] template, long size)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var traces = family.Traces;
            var totals = Totals;
            var started = totals is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            // First the trace that matched the last size with the same remainder mod 64 (strided networks repeat with
            // their strides' product), then the last one that matched, then the rest: only the order of the tries.
            var predicted = family.ByResidue[size & (Family.Residues - 1)] - 1;
            var first = predicted >= 0 ? predicted : family.LastHit;
            for (var k = 0; k < traces.Count; k++)
            {
                var t = k == 0 ? first : k <= first ? k - 1 : k;
                Replayed += traces[t].Trace.Count;
                if (Replayed > ReplayBudget)
                {
                    // Many long paths: the sweep gives no answer rather than run on.
                    return new Judged(SizeVerdict.Unknown, null, [], Rejection.None, false);
                }

                if (traces[t].Trace.Matches(size))
                {
                    family.LastHit = t;
                    family.ByResidue[size & (Family.Residues - 1)] = t + 1;
                    Replays++;
                    if (totals is not null)
                    {
                        totals.Replays++;
                        totals.Tries += k + 1;
                        totals.MatchTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
                    }

                    return traces[t].Judged;
                }
            }

            if (totals is not null)
            {
                totals.Tries += traces.Count;
                totals.MatchTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
            }

            var variable = Dim.Of(size);
            var trace = RunEverySize ? null : SizeTrace.Begin(size, family.Table, out variable);
            Judged judged;
            try
            {
                var swept = variable;
                var dims = new Dim[template.Length];
                for (var i = 0; i < dims.Length; i++)
                {
                    dims[i] = family.Swept.Contains(i) ? swept : family.Free.Contains(i) ? Dim.Of(family.Held) : template[i];
                }

                var (recorder, steps) = _run(dims);
                Spent += steps;
                LastSteps = steps;
                Runs++;
                var verdict = FreeSizeSweep.Judge(recorder, dims, _declaredOutput, out var rejecter, out var output, out var kind);
                var returned = new bool[family.Free.Count];
                for (var k = 0; k < returned.Length; k++)
                {
                    var i = family.Free[k];
                    returned[k] = output is { } o && o.Length == dims.Length && o[i].IsKnown && o[i].Equals(dims[i]);
                }

                // A network with a decoder: it keeps the input's rank and grows a size back somewhere.
                var decoder = verdict == SizeVerdict.Accepted && output!.Length == dims.Length
                    && (returned.Any(r => r) || recorder.Layers.Any(l => l.Site.Geometry is { } g && (MirrorPairing.Upsamples(g) || g.Kind == LayerKind.Upsample)));
                judged = new Judged(verdict, rejecter, returned, kind, decoder);
                if (verdict == SizeVerdict.Unknown && totals is not null)
                {
                    totals.Unknown.Add($"size {size}: " + string.Join("; ", recorder.Unknowns.Select(u => $"{u.Site.Name}: {u.Reason}")
                        .Concat(recorder.Layers.Where(l => l.Outcome is { IsValid: false }).Select(l => $"{l.Site.Name} fails on some paths"))
                        .Concat(recorder.Ops.Select(o => $"{o.DiagnosticId} on some paths: {o.Message}"))
                        .Concat(recorder.Outputs.Select(o => $"output {Dim.Format(o.Output?.Shape ?? [])} certain {o.Certain}"))));
                }
            }
            finally
            {
                trace?.End();
            }

            Untraceable = trace is null || trace.Broken;
            if (totals is not null)
            {
                totals.Runs++;
                if (trace is { Broken: true })
                {
                    totals.Broken.Add(trace.BrokenBy ?? "broken");
                }
            }

            if (trace is { Broken: false } && judged.Verdict != SizeVerdict.Unknown)
            {
                traces.Add(new Replayable(trace, judged));
                if (totals is not null)
                {
                    totals.Steps += trace.Count;
                }

                family.LastHit = traces.Count - 1;
                family.ByResidue[size & (Family.Residues - 1)] = traces.Count;
            }
            else if (trace is { BrokenBy: { } why })
            {
                BrokenBy = why;
            }

            return judged;
        }
    }

    /// <summary>
    /// Rejected by a layer or op that fails on every path; else unknown when anything is uncertain or unknown (a failure
    /// on some paths, a layer without a known shape, an unknown output); else rejected by a decoder that misses its
    /// encoder or an output that differs from [OutputShape]; else accepted.
    /// </summary>
    public static SizeVerdict Judge(NetworkRecorder recorder, Dim[] input, long[]? declaredOutput, out RejectedBy? rejecter, out Dim[]? output, out Rejection kind)
    {
        rejecter = null;
        output = null;
        kind = Rejection.None;
        // A layer or op that fails on every path throws in TorchSharp (or leaves a ConvTranspose empty), whatever is
        // unknown elsewhere in the run: the size is rejected.
        var failures = recorder.Layers.Where(l => l.Outcome is { IsValid: false }).ToList();
        if (failures.FirstOrDefault(f => f.Certain) is { } layer)
        {
            rejecter = new RejectedBy(layer.Site.Name, layer.Site.Call, string.Empty);
            kind = layer.Site.Geometry is { Kind: LayerKind.ConvTranspose } && layer.Outcome!.Violations.Any(v => v.DiagnosticId == Diagnostics.RuleIdentifiers.EmptyOutput)
                ? Rejection.EmptyTransposed
                : Rejection.Throws;
            return SizeVerdict.Rejected;
        }

        if (recorder.Ops.FirstOrDefault(o => o.Certain) is { } op)
        {
            rejecter = new RejectedBy(OpName(op.Syntax), op.Syntax, string.Empty);
            kind = Rejection.Throws;
            return SizeVerdict.Rejected;
        }

        var mismatches = recorder.Pairs.Where(p => MirrorPairing.Mismatch(p.Decoder.Geometry!, p.DecoderInput, p.DecoderOutput, p.Encoder.Encoder.Name, p.Encoder.Spatial) is not null).ToList();
        if (recorder.Unknowns.Count > 0 || failures.Count > 0 || recorder.Ops.Count > 0 || mismatches.Any(m => !m.Certain))
        {
            return SizeVerdict.Unknown;
        }

        if (mismatches.FirstOrDefault() is { } pair)
        {
            rejecter = new RejectedBy(pair.Decoder.Name, pair.Decoder.Call, " (its encoder's size does not come back)");
            kind = Rejection.MisShaped;
            return SizeVerdict.Rejected;
        }

        if (recorder.Outputs.LastOrDefault() is not { Certain: true, Output.Shape: { } shape } || shape.Any(d => d.IsUnknown))
        {
            return SizeVerdict.Unknown;
        }

        output = shape;
        if (declaredOutput is not null
            && (shape.Length != declaredOutput.Length || shape.Where((d, i) => declaredOutput[i] != -1 && !(d.IsKnown && d.Equals(Dim.Of(declaredOutput[i])))).Any()))
        {
            rejecter = new RejectedBy("[OutputShape]", null, string.Empty);
            kind = Rejection.MisShaped;
            return SizeVerdict.Rejected;
        }

        return SizeVerdict.Accepted;
    }


    private static string OpName(Microsoft.CodeAnalysis.SyntaxNode node) => node switch
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax member } => member.Name.Identifier.ValueText,
        Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax binary => binary.OperatorToken.ValueText,
        _ => "the operation",
    };
}
