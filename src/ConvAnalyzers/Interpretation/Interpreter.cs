using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Interpretation;

/// <summary>What the interpreter asks of the library model (TorchSharp): calls, properties and objects it does not read from source.</summary>
internal interface ILibraryModel
{
    /// <summary>A call of a method that is not in this compilation; null when the model does not know it.</summary>
    Value? Invoke(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation);

    /// <summary>A call of a source method the model handles itself (a module's forward); null to run the source.</summary>
    Value? Intercept(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation);

    /// <summary>A property read; null when not modelled.</summary>
    Value? GetProperty(Interpreter interpreter, Frame frame, State state, IPropertySymbol property, Value? receiver, Value[] arguments, IOperation operation);

    /// <summary><c>new T(...)</c> of a library type; null when not modelled.</summary>
    Value? Construct(Interpreter interpreter, Frame frame, State state, INamedTypeSymbol type, IMethodSymbol? constructor, Value[] arguments, IOperation operation);

    /// <summary>A user-defined operator (<c>Tensor + Tensor</c>); null when not modelled.</summary>
    Value? Operator(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value[] arguments, IOperation operation);
}

/// <summary>One running method: its CFG, its receiver, what a lambda or local function captured, and who called it.</summary>
internal sealed class Frame
{
    public Frame(IMethodSymbol method, ControlFlowGraph graph, Value? @this, Frame? caller, ImmutableDictionary<ISymbol, Value>? captured, bool callerUncertain)
    {
        Method = method;
        Graph = graph;
        This = @this;
        Caller = caller;
        Captured = captured;
        CallerUncertain = callerUncertain;
        Depth = caller is null ? 0 : caller.Depth + 1;
    }

    public IMethodSymbol Method { get; }

    public ControlFlowGraph Graph { get; }

    public Value? This { get; }

    public Frame? Caller { get; }

    public ImmutableDictionary<ISymbol, Value>? Captured { get; }

    /// <summary>The call itself sits on a branch the caller could not decide.</summary>
    public bool CallerUncertain { get; }

    public int Depth { get; }

    /// <summary>Arms that ended in a throw: the other arm of their branch is certain.</summary>
    public HashSet<(int Block, bool Arm)> DeadArms { get; } = new();

    /// <summary>Flow captures that stand for an assignment's target (a local, field or element).</summary>
    public Dictionary<CaptureId, IOperation> CapturedTargets { get; } = new();

    /// <summary>Why the condition of a block could not be decided, for the join's reason.</summary>
    public Dictionary<int, string> ConditionReasons { get; } = new();
}

/// <summary>
/// The abstract interpreter over Roslyn's <see cref="ControlFlowGraph"/>: it runs field initializers, constructors,
/// helpers, local functions, lambdas and forward methods on abstract values, folding branches whose condition it
/// knows, joining the others, unrolling loops up to <see cref="Budget.UnrollBound"/>. It knows C#; what a library
/// call does it asks <see cref="ILibraryModel"/>.
/// </summary>
internal sealed class Interpreter
{
    private readonly Compilation _compilation;
    private readonly ILibraryModel _library;

    /// <summary>
    /// Counts what a call may do beyond computing its result from its arguments: library calls (they build layers,
    /// record shapes), object creations seen by <see cref="OnCreated"/>, reads of static objects, budget refusals.
    /// </summary>
    private int _effects;

    /// <summary>How many call summaries this interpreter holds (tests read it).</summary>
    public int SummaryCount => _summaries.Count;

    /// <summary>Steps taken so far (tests read it).</summary>
    public int Steps => _steps;

    /// <summary>A library model's answer; any answer is an effect (it may build a layer or record a shape).</summary>
    private Value? Counted(Value? answer)
    {
        if (answer is not null)
        {
            _effects++;
        }

        return answer;
    }

    /// <summary>Summaries of calls that only compute: (method, arguments) → result.</summary>
    private readonly Dictionary<CallKey, Value> _summaries = new();
    private readonly CancellationToken _cancellationToken;
    private readonly CompilationFacts _facts;
    private readonly Dictionary<IMethodSymbol, int> _calls = new(SymbolEqualityComparer.Default);
    private int _steps;
    private int _nextId = 1;

    public Interpreter(Compilation compilation, ILibraryModel library, Budget budget, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _facts = CompilationFacts.For(compilation);
        _library = library;
        Budget = budget;
        _cancellationToken = cancellationToken;
    }

    public Budget Budget { get; }

    public Compilation Compilation => _compilation;

    /// <summary>
    /// Starts another run on the same heap, keeping the memoised summaries (a free-size sweep applies forward once per
    /// size): the step and call budgets count afresh. Returns the steps taken since the last restart.
    /// </summary>
    public int Restart()
    {
        var steps = _steps;
        _steps = 0;
        _calls.Clear();
        return steps;
    }

    /// <summary>True once the step budget is spent: everything from here on is unknown.</summary>
    public bool Exhausted => _steps > Budget.MaxSteps;

    /// <summary>Called for every <c>new T(...)</c> of a source class, with the object it made (roots are found this way).</summary>
    public System.Action<IObjectCreationOperation, Value, State>? OnCreated { get; set; }

    public int Allocate(State state, HeapObject obj)
    {
        var id = _nextId++;
        state.Set(id, obj);
        return id;
    }

    public RefValue New(State state, HeapObject obj, SyntaxNode? origin = null) => new(Allocate(state, obj)) { Origin = origin };

    /// <summary>No unfolded branch stands between the root's entry and this point.</summary>
    public bool IsCertain(Frame frame, State state)
    {
        for (var f = frame; f is not null; f = f.Caller)
        {
            if (f.CallerUncertain)
            {
                return false;
            }
        }

        foreach (var guard in state.Guards)
        {
            if (!frame.DeadArms.Contains((guard.Block, !guard.Arm)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An empty method body of a private compilation, made once per process: the operation and CFG that stand for "no source".</summary>
    private static readonly System.Lazy<(IOperation Operation, ControlFlowGraph Graph)> Placeholder = new(() =>
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class C { void M() { } }");
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("empty", [tree]);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First();
#pragma warning disable RS1030 // A private, empty compilation: the placeholder operation for values that come from no user code.
        var body = (IMethodBodyOperation)compilation.GetSemanticModel(tree).GetOperation(method)!;
#pragma warning restore RS1030
        return (body, ControlFlowGraph.Create(body));
    });

    /// <summary>The operation that stands for "no source": inputs from attributes are applied at it.</summary>
    public static IOperation NoSource => Placeholder.Value.Operation;

    private Frame? _entry;

    /// <summary>The frame of code that runs outside any method of the user's code (inputs from attributes, single calls evaluated on their own).</summary>
    public Frame EntryFrame => _entry ??= new Frame(_compilation.GetSpecialType(SpecialType.System_Object).GetMembers().OfType<IMethodSymbol>().First(), Placeholder.Value.Graph, null, null, null, false);

    public SemanticModel? ModelFor(SyntaxTree tree) => _facts.ModelFor(tree);

    /// <summary>True when the method's body is in this compilation (the interpreter runs it).</summary>
    public bool HasSource(IMethodSymbol method) => GraphOf(method) is not null;

    private readonly Dictionary<IMethodSymbol, ControlFlowGraph?> _graphs = new(SymbolEqualityComparer.Default);

    /// <summary>The compilation's graph of the method, kept per interpreter too: no shared lookup per call.</summary>
    private ControlFlowGraph? GraphOf(IMethodSymbol method)
    {
        if (!_graphs.TryGetValue(method, out var graph))
        {
            _graphs[method] = graph = _facts.GraphOf(method, _cancellationToken);
        }

        return graph;
    }

    /// <summary>Runs the instance field and property initializers of <paramref name="type"/> (not its base types) on <paramref name="this"/>.</summary>
    private void RunInitializers(INamedTypeSymbol type, RefValue @this, State state, Frame? caller)
    {
        foreach (var member in type.GetMembers())
        {
            if (member.IsStatic || member is not (IFieldSymbol or IPropertySymbol) || member.IsImplicitlyDeclared)
            {
                continue;
            }

            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(_cancellationToken);
                var initializer = syntax switch
                {
                    VariableDeclaratorSyntax { Initializer: { } i } => (SyntaxNode)i,
                    PropertyDeclarationSyntax { Initializer: { } i } => i,
                    _ => null,
                };
                if (initializer is null)
                {
                    continue;
                }

                if (_facts.StraightInitializer(initializer, _cancellationToken) is { } value)
                {
                    // No control flow: evaluated as its one-block CFG would be, without building it.
                    var straight = new Frame(caller?.Method ?? type.InstanceConstructors.First(), Placeholder.Value.Graph, @this, caller, null, callerUncertain: false);
                    var body = Fresh(state);
                    var result = Evaluate(value, straight, body);
                    if (body.Get<InstanceObject>(@this) is { } obj)
                    {
                        body.Set(@this.Id, obj.WithField(member.OriginalDefinition, result));
                    }

                    state.TakeHeap(body);

                    continue;
                }

                if (_facts.InitializerGraph(initializer, _cancellationToken) is not { } graph)
                {
                    continue;
                }

                // The initializer's CFG assigns the member itself (an assignment to this.field).
                var frame = new Frame(caller?.Method ?? type.InstanceConstructors.First(), graph, @this, caller, null, callerUncertain: false);
                var (_, exit) = Run(frame, Fresh(state));
                if (exit is not null)
                {
                    state.TakeHeap(exit);
                }
            }
        }
    }

    /// <summary>A state with the same heap and no locals: where a called body starts.</summary>
    private static State Fresh(State state)
    {
        var fresh = state.Clone();
        fresh.Locals = ImmutableDictionary.Create<ISymbol, Value>(SymbolEqualityComparer.Default);
        fresh.Captures = ImmutableDictionary<CaptureId, Value>.Empty;
        fresh.Guards = ImmutableList<(int, bool)>.Empty;
        return fresh;
    }

    /// <summary><c>new T(args)</c> for a class of this compilation: initializers, then the constructor chain.</summary>
    public Value Construct(INamedTypeSymbol type, IMethodSymbol? constructor, Value[] arguments, State state, Frame? caller, SyntaxNode? syntax, string creation)
    {
        var obj = new InstanceObject(type, ImmutableDictionary.Create<ISymbol, Value>(SymbolEqualityComparer.Default), creation, syntax, ImmutableList<(string, Value)>.Empty);
        var @this = New(state, obj, syntax);
        if (caller is not null && caller.Depth >= Budget.MaxCallDepth)
        {
            _effects++;
            state.Set(@this.Id, new InstanceObject(type, obj.Fields, creation, syntax, obj.Registered) { UnknownReason = $"{creation} is built deeper than {Budget.MaxCallDepth} calls" });
            return @this;
        }

        RunConstructor(type, constructor, arguments, @this, state, caller);
        return @this;
    }

    private void RunConstructor(INamedTypeSymbol type, IMethodSymbol? constructor, Value[] arguments, RefValue @this, State state, Frame? caller)
    {
        var chainsToThis = constructor is not null && ConstructorInitializer(constructor) is { ThisOrBaseKeyword.ValueText: "this" };
        if (constructor is not null && IsPrimaryConstructor(constructor))
        {
            // A primary constructor's parameters are in scope in the whole type, and a positional record's properties
            // are initialized from them by compiler-generated code that has no syntax to interpret.
            var obj = state.Get<InstanceObject>(@this);
            for (var i = 0; obj is not null && i < constructor.Parameters.Length; i++)
            {
                var parameter = constructor.Parameters[i];
                var argument = i < arguments.Length ? arguments[i] : Unknown(parameter.Type, $"{parameter.Name} is not passed");
                obj = obj.WithField(parameter, argument);
                if (type.IsRecord && type.GetMembers(parameter.Name).OfType<IPropertySymbol>().FirstOrDefault() is { } property
                    && property.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_cancellationToken) is ParameterSyntax))
                {
                    obj = obj.WithField(property.OriginalDefinition, argument);
                }
            }

            if (obj is not null)
            {
                state.Set(@this.Id, obj);
            }
        }

        if (!chainsToThis)
        {
            RunInitializers(type, @this, state, caller);
        }

        if (constructor is not null && GraphOf(constructor) is not null)
        {
            // The constructor's CFG starts with its base(...) / this(...) call (an invocation on the instance).
            Invoke(constructor, @this, arguments, state, caller, uncertain: false);
        }
        else if (type.BaseType is { } baseType && baseType.DeclaringSyntaxReferences.Length > 0)
        {
            // An implicit parameterless constructor: the base class's initializers and constructor still run.
            RunConstructor(baseType, baseType.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0), [], @this, state, caller);
        }
    }

    /// <summary>A positional record's compiler-generated Deconstruct: its positional properties, in order.</summary>
    private TupleValue? RecordParts(Value value, State state)
    {
        if (state.Get<InstanceObject>(value) is not { Type.IsRecord: true } record
            || record.Type.InstanceConstructors.FirstOrDefault(IsPrimaryConstructor) is not { } primary)
        {
            return null;
        }

        return new TupleValue(primary.Parameters
            .Select(p => record.Type.GetMembers(p.Name).OfType<IPropertySymbol>().FirstOrDefault() is { } property && record.Fields.TryGetValue(property.OriginalDefinition, out var part)
                ? part
                : Unknown(p.Type, $"{record.Type.Name}.{p.Name} is not known"))
            .ToImmutableArray());
    }

    private bool IsPrimaryConstructor(IMethodSymbol constructor) =>
        constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_cancellationToken) is TypeDeclarationSyntax { ParameterList: not null });

    private ConstructorInitializerSyntax? ConstructorInitializer(IMethodSymbol constructor) =>
        constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).OfType<ConstructorDeclarationSyntax>().FirstOrDefault()?.Initializer;

    /// <summary>Calls a method of this compilation with abstract arguments; the heap changes it makes stay in <paramref name="state"/>.</summary>
    public Value Invoke(IMethodSymbol method, Value? @this, Value[] arguments, State state, Frame? caller, bool uncertain, ControlFlowGraph? graph = null, ImmutableDictionary<ISymbol, Value>? captured = null)
    {
        graph ??= GraphOf(method);
        if (graph is null)
        {
            return Unknown(method.ReturnType, $"{Display(method)} has no body the interpreter can read");
        }

        var depth = caller?.Depth ?? 0;
        _calls.TryGetValue(method.OriginalDefinition, out var calls);
        if (depth >= Budget.MaxCallDepth || calls >= Budget.MaxCallsPerMethod || Exhausted)
        {
            _effects++;
            return Unknown(method.ReturnType, depth >= Budget.MaxCallDepth
                ? $"{Display(method)} is called deeper than {Budget.MaxCallDepth} levels (recursion?)"
                : $"the interpreter's budget for {Display(method)} is spent");
        }

        // A call that only computes from scalar arguments (no heap, no library, no statics) is run once per distinct
        // arguments: loops and repeated blocks call the same size helpers again and again.
        var key = captured is null && (@this is null || CallKey.Summarisable(@this)) && CallKey.Summarisable(arguments)
            ? new CallKey(method.OriginalDefinition, graph, uncertain, @this is null ? arguments : [.. arguments, @this])
            : (CallKey?)null;
        if (key is { } k && _summaries.TryGetValue(k, out var summary))
        {
            return summary;
        }

        _calls[method.OriginalDefinition] = calls + 1;
        var effects = _effects;
        var heap = state.Heap;
        var frame = new Frame(method, graph, @this, caller, captured, uncertain);
        var entry = state.Clone();
        entry.Locals = ImmutableDictionary.Create<ISymbol, Value>(SymbolEqualityComparer.Default);
        entry.Captures = ImmutableDictionary<CaptureId, Value>.Empty;
        entry.Guards = ImmutableList<(int, bool)>.Empty;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            entry.Locals = entry.Locals.SetItem(method.Parameters[i], i < arguments.Length ? arguments[i] : Unknown(method.Parameters[i].Type, "a missing argument"));
        }

        var (result, exit) = Run(frame, entry);
        if (exit is not null)
        {
            state.TakeHeap(exit);
        }

        result ??= Unknown(method.ReturnType, $"{Display(method)} returns nothing the interpreter could follow");
        if (key is { } computed && _effects == effects && state.HeapIs(heap) && !Exhausted && CallKey.Summarisable(result))
        {
            _summaries[computed] = result;
        }

        return result;
    }

    public static Value Unknown(ITypeSymbol? type, string reason) =>
        type is { Name: "Tensor" } ? TensorValue.Unknown(reason) : new UnknownValue(reason);

    public static string Display(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Constructor
            ? $"{method.ContainingType.Name}({string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)))})"
            : $"{method.ContainingType?.Name}.{method.Name}";

    /// <summary>Runs one CFG to its exit: the joined return value and the joined exit state.</summary>
    private (Value? Result, State? Exit) Run(Frame frame, State entry)
    {
        var graph = frame.Graph;
        var blocks = graph.Blocks;
        var pending = new SortedDictionary<int, List<State>>();
        var visits = new Dictionary<int, (int Count, State? Last)>();
        var exits = new List<State>();
        Value? result = null;
        Add(pending, 0, entry);

        var reach = Reachability(graph);
        while (pending.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var ordinal = Next(pending, reach);
            var incoming = pending[ordinal];
            pending.Remove(ordinal);
            var state = incoming.Count == 1 ? incoming[0] : State.Join(incoming, JoinReason(frame, incoming));
            var block = blocks[ordinal];

            if (visits.TryGetValue(ordinal, out var seen) && seen.Last is { } last)
            {
                // Back here through a branch the last visit had not passed: a loop whose condition is not known. Unrolling it
                // cannot tell how often it runs, so what it writes becomes unknown at once.
                var undecided = state.Guards.Where(g => !last.Guards.Contains(g) && frame.ConditionReasons.ContainsKey(g.Block)).Select(g => frame.ConditionReasons[g.Block]).FirstOrDefault();
                if (seen.Count >= Budget.UnrollBound || Exhausted || undecided is not null)
                {
                    // Past the unroll bound: what the loop writes becomes unknown; stop once nothing changes.
                    var widened = Widen(last, state, undecided is not null
                        ? $"written by a loop whose condition {undecided}"
                        : $"written by a loop that runs more than {Budget.UnrollBound} times");
                    if (widened.SameAs(last) || seen.Count >= Budget.UnrollBound + 3)
                    {
                        visits[ordinal] = (seen.Count + 1, last);
                        continue;
                    }

                    state = widened;
                }
                else if (state.Guards.Count > 0 && last.Guards.Count > 0 && state.SameAs(last))
                {
                    continue;
                }

                visits[ordinal] = (seen.Count + 1, state.Clone());
            }
            else
            {
                // A snapshot for the next visit of a block in a loop: the state object itself changes as the block's
                // operations run. A block on no cycle is run once (Next joins every path into it first), and needs none:
                // a snapshot would also stop the state from changing its heap nodes in place.
                visits[ordinal] = (1, reach[ordinal][ordinal] ? state.Clone() : null);
            }

            if (block.Kind == BasicBlockKind.Exit)
            {
                exits.Add(state);
                continue;
            }

            foreach (var operation in block.Operations)
            {
                Evaluate(operation, frame, state);
            }

            if (block.ConditionKind != ControlFlowConditionKind.None && block.BranchValue is { } condition)
            {
                var conditionValue = Evaluate(condition, frame, state);
                var value = conditionValue.AsBool();
                if (value is null)
                {
                    frame.ConditionReasons[ordinal] = $"'{Abbreviate(condition.Syntax)}' is not known ({(conditionValue as UnknownValue)?.Reason ?? "not a constant"})";
                }

                var jumpWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                if (value is bool known)
                {
                    Follow(known == jumpWhen ? block.ConditionalSuccessor : block.FallThroughSuccessor, state, frame, pending, ref result, exits);
                }
                else
                {
                    var taken = state.Clone();
                    taken.Guards = taken.Guards.Add((ordinal, true));
                    var fallen = state;
                    fallen.Guards = fallen.Guards.Add((ordinal, false));
                    Follow(block.ConditionalSuccessor, taken, frame, pending, ref result, exits);
                    Follow(block.FallThroughSuccessor, fallen, frame, pending, ref result, exits);
                }
            }
            else
            {
                if (block.FallThroughSuccessor is { Semantics: ControlFlowBranchSemantics.Return } && block.BranchValue is { } returned)
                {
                    var value = Evaluate(returned, frame, state);
                    result = result is null ? value : Values.Join(result, value, $"{Display(frame.Method)} returns different values on different paths");
                }

                Follow(block.FallThroughSuccessor, state, frame, pending, ref result, exits);
            }
        }

        return (result, exits.Count == 0 ? null : State.Join(exits));
    }

    private readonly Dictionary<ControlFlowGraph, bool[][]> _reachability = new();

    private bool[][] Reachability(ControlFlowGraph graph)
    {
        if (!_reachability.TryGetValue(graph, out var reach))
        {
            _reachability[graph] = reach = _facts.Reachability(graph);
        }

        return reach;
    }

    /// <summary>
    /// The next block to run: one that no other waiting block can still reach (so every path into it has arrived and
    /// is joined), else, inside a loop, the lowest ordinal (an iteration runs before what follows the loop).
    /// </summary>
    private static int Next(SortedDictionary<int, List<State>> pending, bool[][] reach)
    {
        foreach (var candidate in pending.Keys)
        {
            var blocked = false;
            foreach (var other in pending.Keys)
            {
                if (other != candidate && reach[other][candidate] && !reach[candidate][other])
                {
                    blocked = true;
                    break;
                }
            }

            if (!blocked)
            {
                return candidate;
            }
        }

        return pending.Keys.First();
    }

    private static void Add(SortedDictionary<int, List<State>> pending, int ordinal, State state)
    {
        if (!pending.TryGetValue(ordinal, out var list))
        {
            pending[ordinal] = list = new List<State>();
        }

        list.Add(state);
    }

    private static void Follow(ControlFlowBranch? branch, State state, Frame frame, SortedDictionary<int, List<State>> pending, ref Value? result, List<State> exits)
    {
        if (branch is null)
        {
            return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Regular or ControlFlowBranchSemantics.Return when branch.Destination is { } destination:
                // Finally regions on the way (using, try/finally) only dispose: they are not run.
                Add(pending, destination.Ordinal, state);
                break;
            case ControlFlowBranchSemantics.Return:
                exits.Add(state);
                break;
            case ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow:
                if (state.Guards.Count > 0)
                {
                    frame.DeadArms.Add(state.Guards[state.Guards.Count - 1]);
                }

                break;
            default:
                // The end of a finally or catch region, or code in error: nothing to follow.
                break;
        }
    }

    /// <summary>Why values joined here differ: the undecided branch that separated the paths.</summary>
    private static string? JoinReason(Frame frame, List<State> incoming)
    {
        foreach (var state in incoming)
        {
            foreach (var guard in state.Guards)
            {
                if (!incoming.All(s => s.Guards.Contains(guard)) && frame.ConditionReasons.TryGetValue(guard.Block, out var reason))
                {
                    return $"depends on a branch whose condition {reason}";
                }
            }
        }

        return null;
    }

    /// <summary>Values that differ from the last iteration's become unknown.</summary>
    private static State Widen(State last, State next, string reason)
    {
        var joined = State.Join([last, next]);
        var result = joined.Clone();
        foreach (var entry in joined.Locals)
        {
            if (last.Locals.TryGetValue(entry.Key, out var before) && !before.SameAs(entry.Value) || entry.Value is UnknownValue)
            {
                result.Locals = result.Locals.SetItem(entry.Key, entry.Value is TensorValue ? TensorValue.Unknown(reason) : new UnknownValue(reason));
            }
        }

        foreach (var (id, changed) in HeapMap.Changed(last.Heap, joined.Heap))
        {
            HeapObject? widened = changed switch
            {
                SequenceObject s => new SequenceObject(ImmutableList<Value>.Empty, s.IsArray) { UnknownReason = reason },
                InstanceObject i => new InstanceObject(i.Type, i.Fields, i.Creation, i.CreationSyntax, i.Registered) { UnknownReason = reason },
                _ => null,
            };
            if (widened is not null)
            {
                result.Heap = result.Heap.SetItem(id, widened);
            }
        }

        return result;
    }

    /// <summary>Reads a local, parameter or captured variable.</summary>
    private static Value Read(ISymbol symbol, Frame frame, State state)
    {
        if (state.Locals.TryGetValue(symbol, out var value))
        {
            return value;
        }

        for (var f = frame; f is not null; f = f.Caller)
        {
            if (f.Captured is not null && f.Captured.TryGetValue(symbol, out var captured))
            {
                return captured;
            }
        }

        // A primary constructor's parameter read in a member or an initializer: the value the instance was built with.
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } && state.Get<InstanceObject>(frame.This) is { } instance
            && instance.Fields.TryGetValue(symbol, out var primary))
        {
            return primary;
        }

        return Unknown((symbol as ILocalSymbol)?.Type ?? (symbol as IParameterSymbol)?.Type, $"{symbol.Name} is not assigned on every path");
    }

    public Value Evaluate(IOperation operation, Frame frame, State state)
    {
        _steps++;
        if (Exhausted)
        {
            return Unknown(operation.Type, "the interpreter's step budget is spent");
        }

        if (operation.ConstantValue is { HasValue: true } constant && operation is not IFlowCaptureReferenceOperation)
        {
            return FromConstant(constant.Value, operation);
        }

        switch (operation)
        {
            case IExpressionStatementOperation statement:
                return Evaluate(statement.Operation, frame, state);
            case IConversionOperation conversion:
                return Convert(Evaluate(conversion.Operand, frame, state), conversion);
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, frame, state);
            case ILocalReferenceOperation local:
                return Read(local.Local, frame, state);
            case IParameterReferenceOperation parameter:
                return Read(parameter.Parameter, frame, state);
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } when _implicitReceiver is not null:
                return _implicitReceiver;
            case IInstanceReferenceOperation:
                return frame.This ?? new UnknownValue("this");
            case IFlowCaptureOperation capture:
                if (capture.Value is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IArrayElementReferenceOperation)
                {
                    // The CFG spills an assignment's target this way: assigning to the capture assigns to it.
                    frame.CapturedTargets[capture.Id] = capture.Value;
                }

                state.Captures = state.Captures.SetItem(capture.Id, Evaluate(capture.Value, frame, state));
                return UnknownValue.Plain;
            case IFlowCaptureReferenceOperation captureReference:
                return state.Captures.TryGetValue(captureReference.Id, out var captured) ? captured : Unknown(operation.Type, "a value the interpreter did not follow");
            case ISimpleAssignmentOperation assignment:
            {
                var value = Evaluate(assignment.Value, frame, state);
                Assign(assignment.Target, value, frame, state);
                return value;
            }

            case IDeconstructionAssignmentOperation deconstruction:
            {
                // var (a, b) = tuple; foreach (var (a, b) in pairs): each element goes to its variable.
                var value = Evaluate(deconstruction.Value, frame, state);
                Assign(deconstruction.Target, value is TupleValue ? value : RecordParts(value, state) ?? value, frame, state);
                return value;
            }

            case ICompoundAssignmentOperation compound:
            {
                var left = Evaluate(compound.Target, frame, state);
                var right = Evaluate(compound.Value, frame, state);
                var value = compound.OperatorMethod is { } method
                    ? Counted(_library.Operator(this, frame, state, method, [left, right], compound)) ?? Unknown(compound.Type, $"operator {method.Name} is not modelled")
                    : Arithmetic(compound.OperatorKind, left, right, compound);
                Assign(compound.Target, value, frame, state);
                return value;
            }

            case IIncrementOrDecrementOperation increment:
            {
                var before = Evaluate(increment.Target, frame, state);
                var after = Arithmetic(increment.Kind is OperationKind.Increment ? BinaryOperatorKind.Add : BinaryOperatorKind.Subtract, before, Values.Number(1), increment);
                Assign(increment.Target, after, frame, state);
                return increment.IsPostfix ? before : after;
            }

            case IBinaryOperation binary:
            {
                var left = Evaluate(binary.LeftOperand, frame, state);
                var right = Evaluate(binary.RightOperand, frame, state);
                if (binary.OperatorMethod is { } method)
                {
                    return Counted(_library.Operator(this, frame, state, method, [left, right], binary)) ?? Unknown(binary.Type, $"operator {method.Name} is not modelled");
                }

                return Arithmetic(binary.OperatorKind, left, right, binary);
            }

            case IUnaryOperation unary:
            {
                var operand = Evaluate(unary.Operand, frame, state);
                if (unary.OperatorMethod is { } method)
                {
                    return Counted(_library.Operator(this, frame, state, method, [operand], unary)) ?? Unknown(unary.Type, $"operator {method.Name} is not modelled");
                }

                return unary.OperatorKind switch
                {
                    UnaryOperatorKind.Minus when operand is NumberValue { IsReal: false, Known: long n } && n != long.MinValue => Values.Number(-n, unary.Syntax),
                    UnaryOperatorKind.Minus when operand is NumberValue { IsReal: true } r => new NumberValue(-r.Real) { Origin = unary.Syntax },
                    UnaryOperatorKind.Plus => operand,
                    UnaryOperatorKind.Not when operand.AsBool() is bool b => new ConstantValue(!b) { Origin = unary.Syntax },
                    _ => new UnknownValue($"'{unary.Syntax}' is not known"),
                };
            }

            case IIsNullOperation isNull:
            {
                var operand = Evaluate(isNull.Operand, frame, state);
                return operand switch
                {
                    ConstantValue { Constant: null } => new ConstantValue(true),
                    RefValue or TensorValue or NumberValue or TupleValue or DelegateValue => new ConstantValue(false),
                    ConstantValue => new ConstantValue(false),
                    _ => new UnknownValue("whether a value is null"),
                };
            }

            case IIsTypeOperation isType:
            {
                var operand = Evaluate(isType.ValueOperand, frame, state);
                if (state.Get<InstanceObject>(operand) is { } tested)
                {
                    return new ConstantValue(IsAssignable(tested.Type, isType.TypeOperand));
                }

                return new UnknownValue("a type test");
            }

            case IInvocationOperation invocation:
                return Invocation(invocation, frame, state);
            case IObjectCreationOperation creation:
                return Creation(creation, frame, state);
            case IArrayCreationOperation array:
                return ArrayCreation(array, frame, state);
            case ICollectionExpressionOperation collection:
                return Collection(collection, frame, state);
            case ITupleOperation tuple:
                return Tuple(tuple, frame, state);
            case IArrayElementReferenceOperation element:
            {
                var array = Evaluate(element.ArrayReference, frame, state);
                var index = element.Indices.Length == 1 ? IndexInto(array, element.Indices[0], frame, state) : null;
                return ElementAt(array, index, state, element.Type, element.Syntax);
            }

            case IImplicitIndexerReferenceOperation implicitIndexer when implicitIndexer.Argument.Type?.Name == "Index":
            {
                // list[^1]: Count minus the distance from the end.
                var list = Evaluate(implicitIndexer.Instance, frame, state);
                return ElementAt(list, IndexInto(list, implicitIndexer.Argument, frame, state), state, implicitIndexer.Type, implicitIndexer.Syntax);
            }

            case IFieldReferenceOperation field:
                return ReadField(field, frame, state);
            case IPropertyReferenceOperation property:
                return ReadProperty(property, frame, state);
            case IDefaultValueOperation:
                return operation.Type is { IsValueType: true } type && type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 ? Values.Number(0, operation.Syntax) : ConstantValue.Null;
            case IFlowAnonymousFunctionOperation lambda:
                return new DelegateValue(lambda.Symbol, lambda, frame, frame.This) { Origin = lambda.Syntax };
            case IDelegateCreationOperation delegateCreation:
                return Evaluate(delegateCreation.Target, frame, state);
            case IMethodReferenceOperation methodReference:
                return new DelegateValue(methodReference.Method, null, frame, methodReference.Instance is { } instance ? Evaluate(instance, frame, state) : null);
            case IInterpolatedStringOperation interpolated:
                return Interpolate(interpolated, frame, state);
            case IDeclarationExpressionOperation declaration:
                return Evaluate(declaration.Expression, frame, state);
            case ITypeOfOperation or INameOfOperation or ISizeOfOperation:
                return UnknownValue.Plain;
            default:
                // Anything else (events, dynamic, pointers, invalid code): unknown, and its parts still run.
                foreach (var child in operation.ChildOperations)
                {
                    Evaluate(child, frame, state);
                }

                return Unknown(operation.Type, $"'{Abbreviate(operation.Syntax)}' is not modelled");
        }
    }

    private static bool IsAssignable(INamedTypeSymbol type, ITypeSymbol target)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, target))
            {
                return true;
            }
        }

        return type.AllInterfaces.Contains(target, SymbolEqualityComparer.Default);
    }

    public static string Abbreviate(SyntaxNode syntax)
    {
        var text = syntax.ToString();
        return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
    }

    /// <summary>
    /// A tuple's elements, evaluated in order. Its own method: a lambda in <see cref="Evaluate"/> that captured the frame
    /// and state made every call of it allocate their closure.
    /// </summary>
    private TupleValue Tuple(ITupleOperation tuple, Frame frame, State state)
    {
        var elements = ImmutableArray.CreateBuilder<Value>(tuple.Elements.Length);
        foreach (var element in tuple.Elements)
        {
            elements.Add(Evaluate(element, frame, state));
        }

        return new TupleValue(elements.MoveToImmutable()) { Origin = tuple.Syntax };
    }

    private static Value FromConstant(object? constant, IOperation operation) => constant switch
    {
        int i => Values.Number(i, operation.Syntax),
        long l => Values.Number(l, operation.Syntax),
        short s => Values.Number(s, operation.Syntax),
        byte b => Values.Number(b, operation.Syntax),
        uint u => Values.Number(u, operation.Syntax),
        double d => new NumberValue(d) { Origin = operation.Syntax },
        float f => new NumberValue(f) { Origin = operation.Syntax },
        _ => new ConstantValue(constant) { Origin = operation.Syntax },
    };

    private static Value Convert(Value value, IConversionOperation conversion)
    {
        if (value is NumberValue number && conversion.Type is { } type)
        {
            if (type.SpecialType is SpecialType.System_Double or SpecialType.System_Single && !number.IsReal && number.Known is long n)
            {
                return new NumberValue((double)n) { Origin = number.Origin };
            }

            if (type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 && number.IsReal)
            {
                return !double.IsNaN(number.Real) && number.Real > long.MinValue && number.Real < long.MaxValue
                    ? Values.Number((long)number.Real, number.Origin)
                    : new UnknownValue("a real number out of the integer range");
            }

            if (type.SpecialType == SpecialType.System_Int32 && number.Integer is { IsKnown: true, Node: not null } traced)
            {
                // A traced size converted to int: whether it fits is a decision of the free-size trace.
                var above = traced.Peek > int.MaxValue;
                var below = traced.Peek < int.MinValue;
                SizeTrace.Decide(SizeStep.Less, Dim.Of(int.MaxValue), traced, above);
                SizeTrace.Decide(SizeStep.Less, traced, Dim.Of(int.MinValue), below);
                return above || below ? new UnknownValue("an integer out of the int range") : value;
            }

            if (type.SpecialType == SpecialType.System_Int32 && number.Known is long wide && (wide > int.MaxValue || wide < int.MinValue))
            {
                return new UnknownValue("an integer out of the int range");
            }
        }

        return value;
    }

    private Value Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation operation)
    {
        if (left is NumberValue a && right is NumberValue b)
        {
            if (!a.IsReal && !b.IsReal)
            {
                return IntegerArithmetic(kind, a.Integer, b.Integer, operation);
            }

            if (a.KnownReal is double x && b.KnownReal is double y)
            {
                return kind switch
                {
                    BinaryOperatorKind.Add => new NumberValue(x + y) { Origin = operation.Syntax },
                    BinaryOperatorKind.Subtract => new NumberValue(x - y) { Origin = operation.Syntax },
                    BinaryOperatorKind.Multiply => new NumberValue(x * y) { Origin = operation.Syntax },
                    BinaryOperatorKind.Divide => new NumberValue(x / y) { Origin = operation.Syntax },
                    BinaryOperatorKind.Equals => new ConstantValue(x == y),
                    BinaryOperatorKind.NotEquals => new ConstantValue(x != y),
                    BinaryOperatorKind.LessThan => new ConstantValue(x < y),
                    BinaryOperatorKind.LessThanOrEqual => new ConstantValue(x <= y),
                    BinaryOperatorKind.GreaterThan => new ConstantValue(x > y),
                    BinaryOperatorKind.GreaterThanOrEqual => new ConstantValue(x >= y),
                    _ => new UnknownValue($"'{Abbreviate(operation.Syntax)}'"),
                };
            }
        }

        if (left is ConstantValue { Constant: bool p } && right is ConstantValue { Constant: bool q })
        {
            return kind switch
            {
                BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd => new ConstantValue(p && q),
                BinaryOperatorKind.Or or BinaryOperatorKind.ConditionalOr => new ConstantValue(p || q),
                BinaryOperatorKind.ExclusiveOr => new ConstantValue(p ^ q),
                BinaryOperatorKind.Equals => new ConstantValue(p == q),
                BinaryOperatorKind.NotEquals => new ConstantValue(p != q),
                _ => new UnknownValue("a bool operation"),
            };
        }

        if (kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals && left is ConstantValue l && right is ConstantValue r)
        {
            return new ConstantValue(Equals(l.Constant, r.Constant) == (kind == BinaryOperatorKind.Equals));
        }

        if (kind == BinaryOperatorKind.Add && (left is ConstantValue { Constant: string } || right is ConstantValue { Constant: string }))
        {
            return Text(left) is string s && Text(right) is string t ? new ConstantValue(s + t) : new UnknownValue("a string built from unknown parts");
        }

        if (kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals && (left is RefValue || right is RefValue) && (left is RefValue or ConstantValue { Constant: null }) && (right is RefValue or ConstantValue { Constant: null }))
        {
            var same = left is RefValue x1 && right is RefValue y1 ? x1.Id == y1.Id : left is ConstantValue && right is ConstantValue;
            return new ConstantValue(same == (kind == BinaryOperatorKind.Equals));
        }

        return new UnknownValue(UnknownReasonOf(left) ?? UnknownReasonOf(right) ?? $"'{Abbreviate(operation.Syntax)}' is not known");
    }

    private static string? UnknownReasonOf(Value value) => value is UnknownValue u ? u.Reason : null;

    private static Value IntegerArithmetic(BinaryOperatorKind kind, Dim a, Dim b, IOperation operation)
    {
        if (a.IsKnown && b.IsKnown && (a.Node is not null || b.Node is not null) && SizeTrace.Recording is not null && TracedArithmetic(kind, a, b, operation) is { } traced)
        {
            return traced;
        }

        if (a.Known is long x && b.Known is long y)
        {
            long? result = kind switch
            {
                BinaryOperatorKind.Add => CheckedMath.Add(x, y),
                BinaryOperatorKind.Subtract => CheckedMath.Sub(x, y),
                BinaryOperatorKind.Multiply => CheckedMath.Mul(x, y),
                BinaryOperatorKind.Divide when y != 0 && !(x == long.MinValue && y == -1) => x / y,
                BinaryOperatorKind.Remainder when y != 0 && !(x == long.MinValue && y == -1) => x % y,
                BinaryOperatorKind.LeftShift when y is >= 0 and < 63 => x << (int)y,
                BinaryOperatorKind.RightShift when y is >= 0 and < 64 => x >> (int)y,
                BinaryOperatorKind.And => x & y,
                BinaryOperatorKind.Or => x | y,
                BinaryOperatorKind.ExclusiveOr => x ^ y,
                _ => null,
            };
            if (result is long r)
            {
                return Values.Number(r, operation.Syntax);
            }

            bool? comparison = kind switch
            {
                BinaryOperatorKind.Equals => x == y,
                BinaryOperatorKind.NotEquals => x != y,
                BinaryOperatorKind.LessThan => x < y,
                BinaryOperatorKind.LessThanOrEqual => x <= y,
                BinaryOperatorKind.GreaterThan => x > y,
                BinaryOperatorKind.GreaterThanOrEqual => x >= y,
                _ => null,
            };
            return comparison is bool c ? new ConstantValue(c) : new UnknownValue($"'{Abbreviate(operation.Syntax)}' overflows or divides by zero");
        }

        if (a.IsSymbol && b.IsSymbol && a.Symbol == b.Symbol)
        {
            switch (kind)
            {
                case BinaryOperatorKind.Equals or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThanOrEqual:
                    return new ConstantValue(true);
                case BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or BinaryOperatorKind.GreaterThan:
                    return new ConstantValue(false);
            }
        }

        if (kind == BinaryOperatorKind.Multiply && (a.Known == 1 || b.Known == 1))
        {
            return new NumberValue(a.Known == 1 ? b : a) { Origin = operation.Syntax };
        }

        return new UnknownValue($"'{Abbreviate(operation.Syntax)}' depends on {(a.IsSymbol ? a.Symbol : b.IsSymbol ? b.Symbol : "an unknown value")}");
    }

    /// <summary>
    /// Arithmetic and comparisons on a size a free-size trace follows: the result is a step of the trace, a comparison a
    /// decision. Null for operators the trace has no step for (the plain arithmetic then reads the size, which breaks the trace).
    /// </summary>
    private static Value? TracedArithmetic(BinaryOperatorKind kind, Dim a, Dim b, IOperation operation)
    {
        long x = a.Peek, y = b.Peek;
        switch (kind)
        {
            case BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder:
                var divides = y != 0 && !(x == long.MinValue && y == -1);
                long? result = kind switch
                {
                    BinaryOperatorKind.Add => CheckedMath.Add(x, y),
                    BinaryOperatorKind.Subtract => CheckedMath.Sub(x, y),
                    BinaryOperatorKind.Multiply => CheckedMath.Mul(x, y),
                    BinaryOperatorKind.Divide => divides ? x / y : null,
                    _ => divides ? x % y : null,
                };
                var step = kind switch
                {
                    BinaryOperatorKind.Add => SizeStep.Add,
                    BinaryOperatorKind.Subtract => SizeStep.Subtract,
                    BinaryOperatorKind.Multiply => SizeStep.Multiply,
                    BinaryOperatorKind.Divide => SizeStep.Divide,
                    _ => SizeStep.Remainder,
                };
                var dim = SizeTrace.Combine(step, a, b, result ?? 0);
                return result is null ? new UnknownValue($"'{Abbreviate(operation.Syntax)}' overflows or divides by zero") : new NumberValue(dim) { Origin = operation.Syntax };
            case BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals:
                SizeTrace.Decide(SizeStep.Equal, a, b, x == y);
                return new ConstantValue((x == y) == (kind == BinaryOperatorKind.Equals));
            case BinaryOperatorKind.LessThan or BinaryOperatorKind.GreaterThanOrEqual:
                SizeTrace.Decide(SizeStep.Less, a, b, x < y);
                return new ConstantValue((x < y) == (kind == BinaryOperatorKind.LessThan));
            case BinaryOperatorKind.GreaterThan or BinaryOperatorKind.LessThanOrEqual:
                SizeTrace.Decide(SizeStep.Less, b, a, y < x);
                return new ConstantValue((y < x) == (kind == BinaryOperatorKind.GreaterThan));
            default:
                return null;
        }
    }

    private static string? Text(Value value) => value switch
    {
        ConstantValue { Constant: string s } => s,
        ConstantValue { Constant: null } => string.Empty,
        NumberValue n when !n.IsReal && n.Known is long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ConstantValue { Constant: bool b } => b ? "True" : "False",
        _ => null,
    };

    private Value Interpolate(IInterpolatedStringOperation interpolated, Frame frame, State state)
    {
        var text = new System.Text.StringBuilder();
        var known = true;
        foreach (var part in interpolated.Parts)
        {
            switch (part)
            {
                case IInterpolatedStringTextOperation t:
                    text.Append(t.Text.ConstantValue.Value as string);
                    break;
                case IInterpolationOperation i:
                    var value = Evaluate(i.Expression, frame, state);
                    if (i.FormatString is null && i.Alignment is null && Text(value) is string s)
                    {
                        text.Append(s);
                    }
                    else
                    {
                        known = false;
                    }

                    break;
                default:
                    known = false;
                    break;
            }
        }

        return known ? new ConstantValue(text.ToString()) { Origin = interpolated.Syntax } : new UnknownValue("a string built from unknown parts");
    }

    /// <summary>An index into <paramref name="container"/>: a number, or <c>^n</c> counted from the end of a known sequence.</summary>
    private long? IndexInto(Value container, IOperation index, Frame frame, State state)
    {
        while (index is IConversionOperation conversion)
        {
            index = conversion.Operand;
        }

        if (index is IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat } fromEnd)
        {
            return Evaluate(fromEnd.Operand, frame, state).AsLong() is long n && state.Get<SequenceObject>(container) is { UnknownReason: null } sequence
                ? sequence.Items.Count - n
                : null;
        }

        return Evaluate(index, frame, state).AsLong();
    }

    /// <summary>Writes to a variable, field, property or element, as an assignment would (in-place tensor ops use it).</summary>
    public void AssignTo(IOperation target, Value value, Frame frame, State state) => Assign(target, value, frame, state);

    private void Assign(IOperation target, Value value, Frame frame, State state)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                state.Locals = state.Locals.SetItem(local.Local, value);
                break;
            case IParameterReferenceOperation parameter:
                state.Locals = state.Locals.SetItem(parameter.Parameter, value);
                break;
            case IFieldReferenceOperation field:
                WriteMember(field.Instance, field.Field.OriginalDefinition, value, frame, state);
                break;
            case IPropertyReferenceOperation { Arguments.Length: 0 } property when IsAutoProperty(property.Property):
                WriteMember(property.Instance, property.Property.OriginalDefinition, value, frame, state);
                break;
            case IPropertyReferenceOperation property when property.Property.SetMethod is { } setter && HasSource(setter):
                var receiver = property.Instance is { } instance ? Evaluate(instance, frame, state) : null;
                var arguments = property.Arguments.Select(a => Evaluate(a.Value, frame, state)).Append(value).ToArray();
                Invoke(setter, receiver, arguments, state, frame, !IsCertain(frame, state));
                break;
            case IPropertyReferenceOperation { Arguments.Length: 1 } indexer:
                SetElement(Evaluate(indexer.Instance!, frame, state), Evaluate(indexer.Arguments[0].Value, frame, state).AsLong(), value, state);
                break;
            case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                SetElement(Evaluate(element.ArrayReference, frame, state), Evaluate(element.Indices[0], frame, state).AsLong(), value, state);
                break;
            case IFlowCaptureReferenceOperation capture:
                state.Captures = state.Captures.SetItem(capture.Id, value);
                if (frame.CapturedTargets.TryGetValue(capture.Id, out var captured))
                {
                    Assign(captured, value, frame, state);
                }

                break;
            case ITupleOperation tuple when value is TupleValue values && values.Items.Length == tuple.Elements.Length:
                for (var i = 0; i < tuple.Elements.Length; i++)
                {
                    Assign(tuple.Elements[i], values.Items[i], frame, state);
                }

                break;
            case IDeclarationExpressionOperation declaration:
                Assign(declaration.Expression, value, frame, state);
                break;
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    Assign(element, new UnknownValue("a tuple the interpreter could not split"), frame, state);
                }

                break;
        }
    }

    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.DeclaringSyntaxReferences.Length > 0
        && property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

    private void WriteMember(IOperation? instance, ISymbol member, Value value, Frame frame, State state)
    {
        if (member.IsStatic || instance is null)
        {
            if (member is IFieldSymbol { IsStatic: true, IsReadOnly: true } field)
            {
                _statics[field] = value;
            }

            return;
        }

        var receiver = Evaluate(instance, frame, state);
        if (receiver is RefValue r && state.Get<InstanceObject>(receiver) is { } obj)
        {
            state.Set(r.Id, obj.WithField(member, value));
        }
    }

    private void SetElement(Value container, long? index, Value value, State state)
    {
        if (container is not RefValue r || state.Get<SequenceObject>(container) is not { } sequence)
        {
            return;
        }

        if (index is long i && i >= 0 && i < sequence.Items.Count)
        {
            state.Set(r.Id, sequence.WithItems(sequence.Items.SetItem((int)i, value)));
        }
        else
        {
            state.Set(r.Id, new SequenceObject(ImmutableList<Value>.Empty, sequence.IsArray) { UnknownReason = "an element was written at an index the interpreter does not know" });
        }
    }

    public Value ElementAt(Value container, long? index, State state, ITypeSymbol? type, SyntaxNode syntax)
    {
        if (container is TupleValue tuple && index is long t && t >= 0 && t < tuple.Items.Length)
        {
            return tuple.Items[(int)t];
        }

        if (state.Get<SequenceObject>(container) is not { } sequence)
        {
            return Unknown(type, UnknownReasonOf(container) ?? $"'{Abbreviate(syntax)}' reads from something the interpreter does not know");
        }

        if (sequence.UnknownReason is { } reason)
        {
            return Unknown(type, reason);
        }

        if (index is not long i)
        {
            return Unknown(type, $"'{Abbreviate(syntax)}' reads at an index the interpreter does not know");
        }

        if (i < 0)
        {
            i += sequence.Items.Count;
        }

        return i >= 0 && i < sequence.Items.Count ? sequence.Items[(int)i] : Unknown(type, $"'{Abbreviate(syntax)}' reads past the end");
    }

    private Value ReadField(IFieldReferenceOperation field, Frame frame, State state)
    {
        var symbol = field.Field.OriginalDefinition;
        if (symbol.IsStatic)
        {
            return StaticField(symbol, frame, state);
        }

        var receiver = field.Instance is { } instance ? Evaluate(instance, frame, state) : frame.This;
        if (receiver is TupleValue tuple && symbol.ContainingType.IsTupleType)
        {
            var index = symbol.ContainingType.TupleElements.IndexOf((IFieldSymbol)symbol.CorrespondingTupleField!);
            if (index < 0)
            {
                index = System.Array.FindIndex(symbol.ContainingType.TupleElements.ToArray(), e => e.Name == symbol.Name);
            }

            return index >= 0 && index < tuple.Items.Length ? tuple.Items[index] : new UnknownValue("a tuple element");
        }

        if (state.Get<InstanceObject>(receiver) is { } obj)
        {
            if (obj.UnknownReason is { } reason)
            {
                return Unknown(field.Type, reason);
            }

            if (!OnConstructorPath(frame) && WrittenOutsideConstructorPath(symbol) is { } writer)
            {
                return Unknown(field.Type, $"field {symbol.Name} is also written by {writer}, outside the constructor path");
            }

            return obj.Fields.TryGetValue(symbol, out var value) ? value : DefaultOf(symbol.Type, $"field {symbol.Name} of {obj.Type.Name} is not assigned on the constructor path");
        }

        return Unknown(field.Type, UnknownReasonOf(receiver ?? UnknownValue.Plain) ?? $"field {symbol.Name} of an object the interpreter does not know");
    }

    private static bool OnConstructorPath(Frame frame)
    {
        for (var f = frame; f is not null; f = f.Caller)
        {
            if (f.Method.MethodKind == MethodKind.Constructor)
            {
                return true;
            }
        }

        return false;
    }

    private readonly Dictionary<ISymbol, string?> _writers = new(SymbolEqualityComparer.Default);

    /// <summary>The compilation's answer, kept per interpreter: forward reads the same fields at every step.</summary>
    private string? WrittenOutsideConstructorPath(ISymbol field)
    {
        if (!_writers.TryGetValue(field, out var writer))
        {
            _writers[field] = writer = _facts.WrittenOutsideConstructorPath(field, _cancellationToken);
        }

        return writer;
    }

    private static Value DefaultOf(ITypeSymbol type, string reason) => type.SpecialType switch
    {
        SpecialType.System_Int32 or SpecialType.System_Int64 => Values.Number(0),
        SpecialType.System_Boolean => new ConstantValue(false),
        _ when type.IsReferenceType => ConstantValue.Null,
        _ => Unknown(type, reason),
    };

    /// <summary>The object an initializer (<c>new List&lt;Tensor&gt; { a, b }</c>) is filling.</summary>
    private Value? _implicitReceiver;

    private readonly Dictionary<IFieldSymbol, Value> _statics = new(SymbolEqualityComparer.Default);

    /// <summary>A static field is evaluated from its initializer (config arrays, static readonly constants); never from assignments elsewhere.</summary>
    private Value StaticField(IFieldSymbol field, Frame frame, State state)
    {
        if (!field.IsReadOnly && !field.IsConst)
        {
            return Unknown(field.Type, $"static field {field.Name} can change anywhere");
        }

        if (_statics.TryGetValue(field, out var cached) && (cached is not RefValue known || state.TryGet(known.Id, out _)))
        {
            if (cached is RefValue)
            {
                // Its object may change between two calls that read it.
                _effects++;
            }

            return cached;
        }

        _effects++;

        var syntax = field.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).OfType<VariableDeclaratorSyntax>().FirstOrDefault();
        if (syntax?.Initializer is not { } initializer || frame.Depth >= Budget.MaxCallDepth
            || _facts.InitializerGraph(initializer, _cancellationToken) is not { } initializerGraph)
        {
            return Unknown(field.Type, $"static field {field.Name} has no initializer the interpreter can read");
        }

        // The initializer's CFG ends with an assignment to the field, which Assign records in _statics.
        _statics.Remove(field);
        var sub = state.Clone();
        sub.Locals = ImmutableDictionary.Create<ISymbol, Value>(SymbolEqualityComparer.Default);
        sub.Captures = ImmutableDictionary<CaptureId, Value>.Empty;
        var (_, exit) = Run(new Frame(frame.Method, initializerGraph, null, frame, null, false), sub);
        if (exit is not null)
        {
            state.TakeHeap(exit);
        }

        if (!_statics.TryGetValue(field, out var value))
        {
            _statics[field] = value = Unknown(field.Type, $"static field {field.Name}");
        }

        return value;
    }

    private Value ReadProperty(IPropertyReferenceOperation property, Frame frame, State state)
    {
        var symbol = property.Property;
        var receiver = property.Instance is { } instance ? Evaluate(instance, frame, state) : null;
        var arguments = property.Arguments.Select(a => Evaluate(a.Value, frame, state)).ToArray();

        if (!symbol.IsStatic && IsAutoProperty(symbol.OriginalDefinition) && state.Get<InstanceObject>(receiver) is { } obj)
        {
            return obj.UnknownReason is { } reason ? Unknown(property.Type, reason)
                : obj.Fields.TryGetValue(symbol.OriginalDefinition, out var value) ? value
                : DefaultOf(symbol.Type, $"property {symbol.Name} of {obj.Type.Name} is not assigned on the constructor path");
        }

        if (symbol.GetMethod is { } getter && HasSource(getter))
        {
            return Invoke(getter, receiver, arguments, state, frame, !IsCertain(frame, state));
        }

        if (Bcl.Property(this, state, symbol, receiver, arguments, property) is { } bcl)
        {
            return bcl;
        }

        return Counted(_library.GetProperty(this, frame, state, symbol, receiver, arguments, property))
            ?? Unknown(property.Type, receiver is UnknownValue unknownReceiver && property.Instance is { } of
                ? $"'{Abbreviate(of.Syntax)}' is unknown: {unknownReceiver.Reason}"
                : $"property {symbol.ContainingType.Name}.{symbol.Name} is not modelled");
    }

    private Value Invocation(IInvocationOperation invocation, Frame frame, State state)
    {
        var method = invocation.TargetMethod;
        var receiver = invocation.Instance is { } instance ? Evaluate(instance, frame, state) : null;
        var arguments = Arguments(invocation.Arguments, method, frame, state);

        if (method.MethodKind == MethodKind.LocalFunction)
        {
            for (var f = frame; f is not null; f = f.Caller)
            {
                if (f.Graph.LocalFunctions.Contains(method.OriginalDefinition, SymbolEqualityComparer.Default))
                {
                    var graph = f.Graph.GetLocalFunctionControlFlowGraph(method.OriginalDefinition, _cancellationToken);
                    return Invoke(method, frame.This, arguments, state, frame, !IsCertain(frame, state), graph, Capture(frame, state));
                }
            }

            return Unknown(method.ReturnType, $"local function {method.Name}");
        }

        if (receiver is DelegateValue del && method.Name == "Invoke" && method.ContainingType.TypeKind == TypeKind.Delegate)
        {
            return CallDelegate(del, arguments, frame, state);
        }

        if (method.MethodKind == MethodKind.Constructor && invocation.Instance is IInstanceReferenceOperation && receiver is RefValue self)
        {
            // base(...) or this(...) from a constructor's CFG.
            var type = method.ContainingType;
            if (HasSource(method))
            {
                var chainsToThis = SymbolEqualityComparer.Default.Equals(type, frame.Method.ContainingType);
                if (!chainsToThis)
                {
                    RunInitializers(type, self, state, frame);
                }

                Invoke(method, self, arguments, state, frame, !IsCertain(frame, state));
            }
            else if (type.DeclaringSyntaxReferences.Length > 0 && !SymbolEqualityComparer.Default.Equals(type, frame.Method.ContainingType))
            {
                RunConstructor(type, null, arguments, self, state, frame);
            }

            return UnknownValue.Plain;
        }

        if (Bcl.Invoke(this, state, method, receiver, arguments, invocation) is { } bcl)
        {
            return bcl;
        }

        var target = method;
        if (receiver is not null && state.Get<InstanceObject>(receiver) is { } obj && (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType.TypeKind == TypeKind.Interface))
        {
            target = Dispatch(obj.Type, method) ?? method;
        }

        if (HasSource(target))
        {
            return Counted(_library.Intercept(this, frame, state, target, receiver, arguments, invocation))
                ?? Invoke(target, receiver, arguments, state, frame, !IsCertain(frame, state));
        }

        if (Counted(_library.Invoke(this, frame, state, method, receiver, arguments, invocation)) is { } result)
        {
            return result;
        }

        Escape(state, receiver, arguments, $"passed to {method.ContainingType?.Name}.{method.Name}, which the interpreter does not model");
        return Unknown(method.ReturnType, receiver is UnknownValue unknownReceiver && invocation is IInvocationOperation { Instance: { } of }
            ? $"'{Abbreviate(of.Syntax)}' is unknown: {unknownReceiver.Reason}"
            : $"{method.ContainingType?.Name}.{method.Name} is not modelled");
    }

    /// <summary>The implementation of a virtual or interface method for an object of <paramref name="type"/>.</summary>
    public static IMethodSymbol? Dispatch(INamedTypeSymbol type, IMethodSymbol method)
    {
        if (method.ContainingType.TypeKind == TypeKind.Interface)
        {
            return type.FindImplementationForInterfaceMember(method) as IMethodSymbol;
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var candidate in t.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                for (var o = candidate; o is not null; o = o.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(o.OriginalDefinition, method.OriginalDefinition))
                    {
                        return candidate;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Calls a lambda or method group.</summary>
    public Value CallDelegate(DelegateValue del, Value[] arguments, Frame frame, State state)
    {
        if (del.Lambda is { } lambda && del.Closure is { } closure)
        {
            var graph = GraphOfLambda(closure, lambda);
            return graph is null
                ? Unknown(del.Method.ReturnType, "a lambda the interpreter cannot read")
                : Invoke(del.Method, closure.This, arguments, state, frame, !IsCertain(frame, state), graph, Capture(closure, state));
        }

        return HasSource(del.Method) ? Invoke(del.Method, del.Target, arguments, state, frame, !IsCertain(frame, state)) : Unknown(del.Method.ReturnType, $"{del.Method.Name} is not in this compilation");
    }

    private ControlFlowGraph? GraphOfLambda(Frame closure, IFlowAnonymousFunctionOperation lambda)
    {
        for (var f = closure; f is not null; f = f.Caller)
        {
            try
            {
                return f.Graph.GetAnonymousFunctionControlFlowGraph(lambda, _cancellationToken);
            }
            catch (System.ArgumentOutOfRangeException)
            {
                // Not this frame's lambda (Roslyn says so by this exception only): try the enclosing frame.
            }
        }

        return null;
    }

    private static ImmutableDictionary<ISymbol, Value> Capture(Frame frame, State state)
    {
        var captured = frame.Captured ?? ImmutableDictionary.Create<ISymbol, Value>(SymbolEqualityComparer.Default);
        foreach (var local in state.Locals)
        {
            captured = captured.SetItem(local.Key, local.Value);
        }

        return captured;
    }

    /// <summary>Objects handed to code the interpreter does not model may be changed there: they become unknown.</summary>
    public static void Escape(State state, Value? receiver, Value[] arguments, string reason)
    {
        foreach (var value in arguments.Prepend(receiver ?? UnknownValue.Plain))
        {
            if (value is RefValue r && state.TryGet(r.Id, out var obj))
            {
                state.Set(r.Id, obj switch
                {
                    SequenceObject s => new SequenceObject(ImmutableList<Value>.Empty, s.IsArray) { UnknownReason = reason },
                    InstanceObject i => new InstanceObject(i.Type, i.Fields, i.Creation, i.CreationSyntax, i.Registered) { UnknownReason = reason },
                    LibraryObject l => new LibraryObject(l.Payload) { UnknownReason = reason },
                    _ => obj,
                });
            }
        }
    }

    /// <summary>The argument values in parameter order (defaults and params arrays included).</summary>
    private Value[] Arguments(ImmutableArray<IArgumentOperation> arguments, IMethodSymbol method, Frame frame, State state)
    {
        var values = new Value[method.Parameters.Length];
        foreach (var argument in arguments)
        {
            var value = Evaluate(argument.Value, frame, state);
            if (argument.ArgumentKind == ArgumentKind.DefaultValue && value.Origin is not null)
            {
                // A defaulted argument was not written anywhere: it has no place a fix could edit.
                value = value switch
                {
                    NumberValue n => n.IsReal ? new NumberValue(n.Real) : new NumberValue(n.Integer),
                    ConstantValue c => new ConstantValue(c.Constant),
                    _ => value,
                };
            }

            var ordinal = argument.Parameter?.Ordinal ?? -1;
            if (ordinal >= 0 && ordinal < values.Length)
            {
                values[ordinal] = value;
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] ??= Unknown(method.Parameters[i].Type, "a missing argument");
        }

        return values;
    }

    private Value Creation(IObjectCreationOperation creation, Frame frame, State state)
    {
        if (creation.Constructor is not { } constructor || creation.Type is not INamedTypeSymbol type)
        {
            return Unknown(creation.Type, "an object the interpreter cannot create");
        }

        var arguments = Arguments(creation.Arguments, constructor, frame, state);
        Value result;
        if (type.DeclaringSyntaxReferences.Length > 0 && type.TypeKind == TypeKind.Class)
        {
            var text = $"{type.Name}({string.Join(", ", arguments.Select(Describe))})";
            result = Construct(type, constructor, arguments, state, frame, creation.Syntax, text);
            if (OnCreated is { } onCreated)
            {
                _effects++;
                onCreated(creation, result, state);
            }
        }
        else
        {
            result = Bcl.Construct(this, state, type, arguments, creation)
                ?? Counted(_library.Construct(this, frame, state, type, constructor, arguments, creation))
                ?? Unknown(type, $"new {type.Name}(...) is not modelled");
        }

        if (creation.Initializer is { } initializer)
        {
            // An object or collection initializer: its members and Add calls act on the new object.
            var outer = _implicitReceiver;
            _implicitReceiver = result;
            foreach (var child in initializer.Initializers)
            {
                Evaluate(child, frame, state);
            }

            _implicitReceiver = outer;
        }

        return result;
    }

    /// <summary>How a constructor argument is written in a context's name: <c>64</c>, <c>(3, 3)</c>, <c>?</c>.</summary>
    public static string Describe(Value value) => value switch
    {
        NumberValue n => n.ToString(),
        ConstantValue { Constant: string s } => "\"" + s + "\"",
        ConstantValue { Constant: bool b } => b ? "true" : "false",
        ConstantValue { Constant: null } => "null",
        ConstantValue c => c.Constant!.ToString() ?? "?",
        TupleValue t => "(" + string.Join(", ", t.Items.Select(Describe)) + ")",
        _ => "?",
    };

    private Value ArrayCreation(IArrayCreationOperation array, Frame frame, State state)
    {
        if (array.Initializer is { } initializer)
        {
            var items = initializer.ElementValues.Select(e => Evaluate(e, frame, state)).ToImmutableList();
            return New(state, new SequenceObject(items, isArray: true), array.Syntax);
        }

        var sizes = array.DimensionSizes.Select(d => Evaluate(d, frame, state).AsLong()).ToList();
        if (sizes.Count == 1 && sizes[0] is long n && n >= 0 && n <= Budget.MaxSequenceLength)
        {
            var element = array.Type is IArrayTypeSymbol { ElementType: var e } ? DefaultOf(e, "an array element") : UnknownValue.Plain;
            return New(state, new SequenceObject(Enumerable.Repeat(element, (int)n).ToImmutableList(), isArray: true), array.Syntax);
        }

        return New(state, new SequenceObject(ImmutableList<Value>.Empty, true) { UnknownReason = "an array of a size the interpreter does not know" }, array.Syntax);
    }

    private Value Collection(ICollectionExpressionOperation collection, Frame frame, State state)
    {
        var items = ImmutableList.CreateBuilder<Value>();
        string? unknown = null;
        foreach (var element in collection.Elements)
        {
            if (element is ISpreadOperation spread)
            {
                var source = Evaluate(spread.Operand, frame, state);
                if (state.Get<SequenceObject>(source) is { UnknownReason: null } sequence)
                {
                    items.AddRange(sequence.Items);
                }
                else
                {
                    unknown = "a spread of something the interpreter does not know";
                }
            }
            else
            {
                items.Add(Evaluate(element, frame, state));
            }
        }

        return New(state, new SequenceObject(items.ToImmutable(), collection.Type is IArrayTypeSymbol) { UnknownReason = unknown }, collection.Syntax);
    }
}

/// <summary>
/// The key of a memoised call: the method (and the CFG run for it), whether the caller reached it on an undecided
/// branch, and its arguments (with the instance, when there is one), equal when each is the same value written at the same place (results carry origins).
/// </summary>
internal readonly struct CallKey : System.IEquatable<CallKey>
{
    private readonly IMethodSymbol _method;
    private readonly ControlFlowGraph _graph;
    private readonly bool _uncertain;
    private readonly Value[] _arguments;

    public CallKey(IMethodSymbol method, ControlFlowGraph graph, bool uncertain, Value[] arguments)
    {
        _method = method;
        _graph = graph;
        _uncertain = uncertain;
        _arguments = arguments;
    }

    /// <summary>Values a summary may hold: numbers, constants, unknowns and tuples of them (nothing on the heap).</summary>
    public static bool Summarisable(Value[] values)
    {
        foreach (var value in values)
        {
            if (!Summarisable(value))
            {
                return false;
            }
        }

        return true;
    }

    public static bool Summarisable(Value value) => value switch
    {
        NumberValue or ConstantValue or UnknownValue => true,
        TupleValue tuple => tuple.Items.All(Summarisable),
        _ => false,
    };

    public bool Equals(CallKey other)
    {
        if (!SymbolEqualityComparer.Default.Equals(_method, other._method) || !ReferenceEquals(_graph, other._graph) || _uncertain != other._uncertain
            || _arguments.Length != other._arguments.Length)
        {
            return false;
        }

        for (var i = 0; i < _arguments.Length; i++)
        {
            if (!Same(_arguments[i], other._arguments[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(Value a, Value b) =>
        ReferenceEquals(a.Origin, b.Origin) && a switch
        {
            UnknownValue u => b is UnknownValue v && u.Reason == v.Reason,
            TupleValue t => b is TupleValue w && t.Items.Length == w.Items.Length && t.Items.Zip(w.Items, Same).All(x => x),
            _ => a.SameAs(b),
        };

    public override bool Equals(object? obj) => obj is CallKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = SymbolEqualityComparer.Default.GetHashCode(_method) * 31 + _arguments.Length;
        foreach (var argument in _arguments)
        {
            hash = (hash * 31) + (argument is NumberValue { IsReal: false, Known: long known } ? known.GetHashCode() : argument.GetType().GetHashCode());
        }

        return hash;
    }
}
