using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using TensorValue = ConvAnalyzers.Interpretation.TensorValue;
using ConvAnalyzers.Interpretation;
using ConvAnalyzers.Results;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Finds the network roots of a file and runs them on the interpreter: classes with <c>[InputShape]</c> (built by
/// each <c>new</c> that creates them, or with their constructor parameters unknown), and methods that apply a module
/// to a constant-shape tensor (<c>model.forward(torch.randn(...))</c>, through locals too).
/// </summary>
internal sealed class NetworkRuns
{
    private readonly Compilation _compilation;
    private readonly TorchLibrary _library;
    private readonly ShapeAttributes _attributes;
    private readonly CancellationToken _cancellationToken;

    private readonly System.Lazy<CreationIndex> _creations;

    /// <param name="creations">The compilation's creation index, shared between files (built here when not given).</param>
    public NetworkRuns(Compilation compilation, TorchLibrary library, ShapeAttributes attributes, CancellationToken cancellationToken, System.Lazy<CreationIndex>? creations = null)
    {
        _compilation = compilation;
        _library = library;
        _attributes = attributes;
        _cancellationToken = cancellationToken;
        _creations = creations ?? new System.Lazy<CreationIndex>(() => CreationIndex.Build(compilation, cancellationToken));
    }

    /// <summary>One run: what it found, and the files whose code gave it its root, creation site or input.</summary>
    public sealed record Run(NetworkRecorder Recorder, HashSet<SyntaxTree> Origins, INamedTypeSymbol? Declared);

    /// <summary>Methods already run as the creation site of a declared root (their forward calls were followed then).</summary>
    private readonly HashSet<IMethodSymbol> _covered = new(SymbolEqualityComparer.Default);

    private Interpreter NewInterpreter() => new(_compilation, _library, Budget.Default, _cancellationToken);

    /// <summary>The runs whose root is declared in <paramref name="tree"/>.</summary>
    public IEnumerable<Run> RunsOf(SyntaxTree tree, SemanticModel model)
    {
        var root = tree.GetRoot(_cancellationToken);
        // Classes and their methods are found among the declarations, without walking into any body.
        var classes = new List<ClassDeclarationSyntax>();
        var methods = new List<BaseMethodDeclarationSyntax>();
        foreach (var node in root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
        {
            if (node is ClassDeclarationSyntax declared)
            {
                classes.Add(declared);
            }
            else if (node is BaseMethodDeclarationSyntax declaredMethod)
            {
                methods.Add(declaredMethod);
            }
        }

        var declaredRoots = new List<INamedTypeSymbol>();
        foreach (var declaration in classes)
        {
            if (declaration.AttributeLists.Count > 0 && model.GetDeclaredSymbol(declaration, _cancellationToken) is INamedTypeSymbol type
                && _library.IsModuleType(type) && !type.IsAbstract && type.TypeParameters.Length == 0
                && (_attributes.HasInputs(type) || (_attributes.MirrorOf(type) is { } encoder && _attributes.HasInputs(encoder)))
                && type.DeclaringSyntaxReferences[0].SyntaxTree == tree)
            {
                declaredRoots.Add(type);
            }
        }

        foreach (var type in declaredRoots)
        {
            foreach (var run in RunDeclared(type))
            {
                yield return run;
            }
        }

        // Module classes without any input: a sweep over sizes finds decoders that can never give their encoder's shape back.
        foreach (var declaration in classes)
        {
            if (model.GetDeclaredSymbol(declaration, _cancellationToken) is INamedTypeSymbol type && _library.IsModuleType(type) && !type.IsAbstract
                && type.TypeParameters.Length == 0 && !declaredRoots.Contains(type, SymbolEqualityComparer.Default) && _attributes.MirrorOf(type) is null
                && type.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0) is { } constructor && Sweep(type, constructor) is { } sweep)
            {
                yield return sweep;
            }
        }

        // Methods that apply a module to a tensor built from constant sizes.
        foreach (var method in methods)
        {
            if (!AppliesModuleToTensor(method))
            {
                continue;
            }

            if (model.GetDeclaredSymbol(method, _cancellationToken) is not IMethodSymbol symbol || _library.IsModuleType(symbol.ContainingType) && symbol.Name == "forward"
                || _covered.Contains(symbol))
            {
                continue;
            }

            var recorder = new NetworkRecorder();
            _library.Recorder = recorder;
            var interpreter = NewInterpreter();
            var state = new State();
            var @this = symbol.IsStatic ? null : new UnknownValue($"the instance {symbol.Name} is called on");
            var arguments = symbol.Parameters.Select(p => Interpreter.Unknown(p.Type, $"parameter {p.Name} of {Interpreter.Display(symbol)}")).ToArray();
            _library.RootApplied = SearchNeighbours;
            interpreter.Invoke(symbol, @this, arguments, state, null, uncertain: false);
            _library.RootApplied = null;
            if (recorder.Roots.Count > 0)
            {
                yield return new Run(recorder, Origins(recorder, tree), null);
            }
        }
    }

    /// <summary>Sizes a sweep tries; a decoder is reported only if it misses its encoder for every one it reaches.</summary>
    public const int SweepSizes = 64;

    /// <summary>The fewest sizes that must reach a decoder before "never" is claimed.</summary>
    private const int SweepMinimumReached = 8;

    /// <summary>
    /// Runs a module with no input shape on every size 1–64 (channels and rank from its first layer); a run whose
    /// recorder holds only the decoder layers that matched their encoder for no size (CONV005).
    /// </summary>
    private Run? Sweep(INamedTypeSymbol type, IMethodSymbol constructor)
    {
        var library = _library;
        var probe = new NetworkRecorder();
        library.Recorder = probe;
        var interpreter = NewInterpreter();
        var state = new State();
        var instance = interpreter.Construct(type, constructor, [], state, null, null, type.Name + "()");
        var sites = state.Heap.OrderBy(h => h.Key).Select(h => h.Value).OfType<LibraryObject>().Select(o => (o.Payload as LayerModule)?.Site).Where(s => s?.Geometry is not null).Select(s => s!).ToList();
        var layers = sites.Select(s => s.Geometry!).ToList();
        var decoders = new HashSet<SyntaxNode>(sites.Where(s => MirrorPairing.Upsamples(s.Geometry!)).Select(s => s.Call));
        var first = layers.FirstOrDefault(g => g.Kind is LayerKind.Conv or LayerKind.ConvTranspose);
        if (first is not { InChannels: long channels } || !layers.Any(MirrorPairing.Downsamples) || !layers.Any(MirrorPairing.Upsamples) || channels < 1)
        {
            return null;
        }

        var tally = new Dictionary<SyntaxNode, (int Matched, int Missed, PairRecord First)>();
        var result = new NetworkRecorder();
        for (long size = 1; size <= SweepSizes; size++)
        {
            var recorder = new NetworkRecorder();
            library.Recorder = recorder;
            var dims = new[] { 1L, channels }.Concat(Enumerable.Repeat(size, first.SpatialRank)).ToArray();
            var run = state.Clone();
            library.Apply(interpreter, interpreter.EntryFrame,
                run, instance, new TensorValue(Dim.From(dims), ImmutableStack<PendingPair>.Empty), Interpreter.NoSource, null);
            foreach (var pair in recorder.Pairs.Where(p => p.Certain))
            {
                var missed = MirrorPairing.Mismatch(pair.Decoder.Geometry!, pair.DecoderInput, pair.DecoderOutput, pair.Encoder.Encoder.Name, pair.Encoder.Spatial) is not null;
                tally.TryGetValue(pair.Decoder.Call, out var t);
                tally[pair.Decoder.Call] = missed ? (t.Matched, t.Missed + 1, t.First ?? pair) : (t.Matched + 1, t.Missed, t.First ?? pair);
            }

            if (decoders.All(d => tally.TryGetValue(d, out var t) && t.Matched > 0))
            {
                // Every decoder layer of the module has given its encoder's shape back for some size: none can be reported.
                break;
            }
        }

        foreach (var entry in tally.Where(e => e.Value.Matched == 0 && e.Value.Missed >= SweepMinimumReached))
        {
            result.Pairs.Add(entry.Value.First with { Input = $"every size from 1 to {SweepSizes} that reaches it ({entry.Value.Missed} sizes), e.g. {entry.Value.First.Input}" });
        }

        return result.Pairs.Count > 0 ? new Run(result, [type.DeclaringSyntaxReferences[0].SyntaxTree], null) : null;
    }

    /// <summary>True when the method both applies a module (<c>forward</c>, <c>call</c>) and builds a tensor from sizes: one walk of its body.</summary>
    private static bool AppliesModuleToTensor(BaseMethodDeclarationSyntax method)
    {
        bool applies = false, builds = false;
        foreach (var node in method.DescendantNodes())
        {
            if (node is InvocationExpressionSyntax invocation)
            {
                switch (CandidateInvocations.CalledName(invocation))
                {
                    case "forward" or "call":
                        applies = true;
                        break;
                    case "randn" or "rand" or "zeros" or "ones" or "empty" or "full" or "randint":
                        builds = true;
                        break;
                }

                if (applies && builds)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private HashSet<SyntaxTree> Origins(NetworkRecorder recorder, SyntaxTree tree)
    {
        var origins = new HashSet<SyntaxTree> { tree };
        foreach (var (_, call) in recorder.Roots)
        {
            origins.Add(call.SyntaxTree);
        }

        return origins;
    }

    /// <summary>A class with [InputShape] (or [MirrorOf] an encoder that has one): built at each creation site, or with its parameters unknown.</summary>
    private IEnumerable<Run> RunDeclared(INamedTypeSymbol type)
    {
        var encoderType = _attributes.MirrorOf(type);
        var inputs = _attributes.Declared(encoderType ?? type).ToList();
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name is "InputShapeAttribute" or "MirrorOfAttribute")?.ApplicationSyntaxReference?.GetSyntax(_cancellationToken);
        var sites = CreationSites(type).ToList();
        var declaredTree = type.DeclaringSyntaxReferences[0].SyntaxTree;
        if (sites.Count == 0)
        {
            var constructor = type.InstanceConstructors.Where(c => c.DeclaredAccessibility != Accessibility.Private).OrderBy(c => c.Parameters.Length).FirstOrDefault();
            var recorder = new NetworkRecorder();
            _library.Recorder = recorder;
            var interpreter = NewInterpreter();
            var state = new State();
            var arguments = constructor?.Parameters.Select(p => Interpreter.Unknown(p.Type, $"parameter {p.Name} of {Interpreter.Display(constructor)}; no call passes a constant")).ToArray() ?? [];
            var creation = $"{type.Name}({string.Join(", ", arguments.Select(_ => "?"))})";
            var instance = interpreter.Construct(type, constructor, arguments, state, null, attribute, creation);
            RunInputs(interpreter, state, instance, type, encoderType, inputs, attribute);
            yield return new Run(recorder, [declaredTree], type);
            yield break;
        }

        foreach (var site in sites)
        {
            var recorder = new NetworkRecorder();
            _library.Recorder = recorder;
            var interpreter = NewInterpreter();
            var creationOperation = site.Creation;
            interpreter.OnCreated = (created, value, state) =>
            {
                if (created.Syntax == creationOperation)
                {
                    RunInputs(interpreter, state, value, type, encoderType, inputs, attribute);
                }
            };
            var state0 = new State();
            var method = site.Method;
            _covered.Add(method);
            var @this = method.IsStatic ? null : new UnknownValue($"the instance {method.Name} is called on");
            var arguments = method.Parameters.Select(p => Interpreter.Unknown(p.Type, $"parameter {p.Name} of {Interpreter.Display(method)}")).ToArray();
            _library.RootApplied = SearchNeighbours;
            interpreter.Invoke(method, @this, arguments, state0, null, uncertain: false);
            _library.RootApplied = null;
            yield return new Run(recorder, [declaredTree, site.Creation.SyntaxTree], type);
        }
    }

    private void RunInputs(Interpreter interpreter, State state, Value instance, INamedTypeSymbol type, INamedTypeSymbol? encoderType, List<DeclaredInput> inputs, SyntaxNode? attribute)
    {
        var recorder = _library.Recorder;
        var declaredOutput = _attributes.Output(type)?.Shape;

        // One size on a copy of the state with its own recorder: the free-size sweep's unit of work.
        NetworkRecorder? first = null;
        (NetworkRecorder, int) Probe(Dim[] dims)
        {
            var probe = new NetworkRecorder { Probe = true, Template = first };
            first ??= probe;
            _library.Recorder = probe;
            interpreter.Restart();
            try
            {
                RunOne(interpreter, state.Clone(), instance, encoderType, dims, attribute);
            }
            catch (ProbeDecided)
            {
            }
            finally
            {
                _library.Recorder = recorder;
            }

            return (probe, interpreter.Restart());
        }

        foreach (var input in inputs)
        {
            var where = input.Attribute ?? attribute;
            if (input.HasFreeChannel)
            {
                if (where is not null)
                {
                    recorder.Op(where, Diagnostics.RuleIdentifiers.InvalidHyperparameter,
                        $"[InputShape({string.Join(", ", input.Written)})]: -1 stands for a free size at a spatial position or for the batch at position 0 (the batched layout [N, C, spatial…]); the channel count at position 1 must be a number", certain: true);
                }

                continue;
            }

            var free = input.FreeDims;
            if (free.Count == 0)
            {
                var dims = input.With(_ => 0);
                var marks = recorder.Mark();
                RunOne(interpreter, state, instance, encoderType, dims, attribute);
                if (input.IsConcrete && where is not null && encoderType is null && marks.Slice(recorder) is var run
                    && FreeSizeSweep.Judge(run, dims, declaredOutput, out _, out _, out _) == SizeVerdict.Rejected && FreeSizeSweep.MayDependOnSize(run)
                    && FreeSizeSweep.Nearest(Probe, dims, declaredOutput, _cancellationToken) is var (text, neighbours))
                {
                    recorder.Nearest[Dim.Format(dims)] = new NearestSizes(where, text, neighbours);
                }

                continue;
            }

            if (encoderType is not null || where is null)
            {
                // [MirrorOf] decoders pair with a concrete encoder input; a free one is not swept.
                continue;
            }

            var answer = FreeSizeSweep.Run(Probe, input.With(_ => 1), free, declaredOutput, _cancellationToken);
            if (answer is null)
            {
                continue;
            }

            recorder.FreeSizes.Add((where, answer));
            if (answer.Held > 0)
            {
                // CONV000 traces at the smallest sizes every free dimension accepts, and saying so.
                var dims = input.With(_ => answer.Held);
                var marks = recorder.Mark();
                RunOne(interpreter, state, instance, encoderType, dims, attribute);
                marks.Relabel(recorder, $"{Dim.Format(dims)}{NetworkRecorder.SmallestAccepted}{string.Join(", ", answer.Dimensions.Select(d => d.Name))})");
            }
        }
    }

    /// <summary>
    /// A discovered input (<c>model.forward(torch.randn(1, 3, 250, 250))</c>) that fails: its nearest accepted sizes, for
    /// the failure's message and the refactoring on the tensor factory's sizes.
    /// </summary>
    private void SearchNeighbours(RootRun root)
    {
        var recorder = _library.Recorder;
        if (root.Input.Shape is not { } dims || Dim.AllKnown(dims) is null || TensorFactory(root.Operation.Syntax) is not { } factory)
        {
            return;
        }

        var run = root.Marks.Slice(recorder);
        var declaredOutput = root.State.Get<InstanceObject>(root.Module)?.Type is { } type ? _attributes.Output(type)?.Shape : null;
        if (FreeSizeSweep.Judge(run, dims, declaredOutput, out _, out _, out _) != SizeVerdict.Rejected || !FreeSizeSweep.MayDependOnSize(run))
        {
            return;
        }

        var hook = _library.RootApplied;
        _library.RootApplied = null;
        NetworkRecorder? first = null;
        (NetworkRecorder, int) Probe(Dim[] sizes)
        {
            var probe = new NetworkRecorder { Probe = true, Template = first };
            first ??= probe;
            _library.Recorder = probe;
            root.Interpreter.Restart();
            try
            {
                _library.Apply(root.Interpreter, root.Frame, root.State.Clone(), root.Module, new TensorValue(sizes, ImmutableStack<PendingPair>.Empty), root.Operation, null);
            }
            catch (ProbeDecided)
            {
            }
            finally
            {
                _library.Recorder = recorder;
            }

            return (probe, root.Interpreter.Restart());
        }

        if (FreeSizeSweep.Nearest(Probe, dims, declaredOutput, _cancellationToken) is var (text, neighbours))
        {
            recorder.Nearest[Dim.Format(dims)] = new NearestSizes(factory, text, neighbours);
        }

        _library.RootApplied = hook;
    }

    private static readonly HashSet<string> TensorFactories = ["randn", "rand", "zeros", "ones", "empty", "full", "randint"];

    /// <summary>The tensor factory call a forward call's argument comes from: written there, or the initializer of a local.</summary>
    private static InvocationExpressionSyntax? TensorFactory(SyntaxNode forwardCall)
    {
        if (forwardCall is not InvocationExpressionSyntax { ArgumentList.Arguments: [var argument, ..] })
        {
            return null;
        }

        var expression = argument.Expression;
        if (expression is IdentifierNameSyntax local)
        {
            expression = forwardCall.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault()?.DescendantNodes().OfType<VariableDeclaratorSyntax>()
                .Where(v => v.Identifier.ValueText == local.Identifier.ValueText && v.SpanStart < forwardCall.SpanStart).Select(v => v.Initializer?.Value).LastOrDefault();
        }

        return expression is InvocationExpressionSyntax factory && CandidateInvocations.CalledName(factory) is { } name && TensorFactories.Contains(name) ? factory : null;
    }

    private void RunOne(Interpreter interpreter, State state, Value instance, INamedTypeSymbol? encoderType, Dim[] dims, SyntaxNode? attribute)
    {
        var recorder = _library.Recorder;
        var tensor = new TensorValue(dims, ImmutableStack<PendingPair>.Empty);
        var frame = interpreter.EntryFrame;
        if (encoderType is not null)
        {
            // [MirrorOf]: the encoder runs first (its findings are its own), then the decoder continues its pairing stack.
            var encoderRecorder = new NetworkRecorder();
            _library.Recorder = encoderRecorder;
            var constructor = encoderType.InstanceConstructors.OrderBy(c => c.Parameters.Length).FirstOrDefault();
            var encoder = interpreter.Construct(encoderType, constructor, constructor?.Parameters.Select(p => Interpreter.Unknown(p.Type, $"parameter {p.Name} of {encoderType.Name}")).ToArray() ?? [], state, null, attribute, encoderType.Name + "()");
            var encoded = _library.Apply(interpreter, frame, state, encoder, tensor, Interpreter.NoSource, null);
            _library.Recorder = recorder;
            if (encoded is not TensorValue { Shape: not null } t)
            {
                return;
            }

            tensor = t;
        }

        _library.Apply(interpreter, frame, state, instance, tensor, Interpreter.NoSource, null);
        if (encoderType is not null && recorder.Outputs.Count > 0)
        {
            recorder.InputLabel = Dim.Format(dims) + $" through {encoderType.Name}";
        }
    }

    /// <summary>
    /// Every <c>new T(...)</c> of <paramref name="type"/> in the compilation, with the method that contains it: static
    /// factories of the class itself count (<c>public static Net Make() => new Net(7)</c>), its instance members do not.
    /// </summary>
    private IEnumerable<(SyntaxNode Creation, IMethodSymbol Method)> CreationSites(INamedTypeSymbol type)
    {
        foreach (var tree in _creations.Value.FilesCreating(type.Name))
        {
            SemanticModel? model = null;
            foreach (var node in tree.GetRoot(_cancellationToken).DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
            {
                if (node is ObjectCreationExpressionSyntax { Type: var t } && !t.ToString().EndsWith(type.Name, System.StringComparison.Ordinal))
                {
                    continue;
                }

#pragma warning disable RS1030 // Creation sites in other files give a class its constructor arguments (DESIGN §3).
                model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                if (model.GetOperation(node, _cancellationToken) is IObjectCreationOperation { Type: { } created } && SymbolEqualityComparer.Default.Equals(created, type)
                    && node.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault() is { } declaration
                    && model.GetDeclaredSymbol(declaration, _cancellationToken) is IMethodSymbol method
                    && !(SymbolEqualityComparer.Default.Equals(method.ContainingType, type) && !method.IsStatic))
                {
                    if (_library.IsModuleType(method.ContainingType) && method.MethodKind == MethodKind.Constructor)
                    {
                        // Built as a block of another module: that module's own run covers it.
                        continue;
                    }

                    yield return (node, method);
                }
            }
        }
    }
}
