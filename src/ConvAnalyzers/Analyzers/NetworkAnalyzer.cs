using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Extraction;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Follows the shapes of <c>[InputShape]</c> inputs through a <c>Module&lt;Tensor, Tensor&gt;</c> subclass's
/// forward and reports the shape at every layer (CONV000), the layers that fail on it (CONV003, CONV004,
/// CONV006), decoders that do not give their encoder's shape back (CONV005, CONV008), joins that do not fit
/// (CONV010) and outputs that differ from <c>[OutputShape]</c> (CONV009).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Reported = ImmutableArray.Create(
        DiagnosticDescriptors.ShapeTrace,
        DiagnosticDescriptors.InvalidHyperparameter,
        DiagnosticDescriptors.EmptyOutput,
        DiagnosticDescriptors.ChannelMismatch,
        DiagnosticDescriptors.DecoderMismatch,
        DiagnosticDescriptors.RankMismatch,
        DiagnosticDescriptors.EncoderDropsRows,
        DiagnosticDescriptors.OutputShapeMismatch,
        DiagnosticDescriptors.JoinMismatch);

    /// <summary>The names <see cref="CollectTensorInput"/> looks for.</summary>
    private static readonly string[] CalledWords = ["forward", "call"];

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        Reported.AddRange(Reported.Select(DiagnosticDescriptors.AtCompilationEnd));

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = TorchSharpSymbols.Create(start.Compilation);
            var module = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module`2");
            if (symbols is null || module is null)
            {
                return;
            }

            var attributes = ShapeAttributes.For(start.Compilation);
            var networks = new Networks(symbols, module, attributes);
            start.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    if (type.TypeKind != TypeKind.Class || !networks.IsModule(type))
                    {
                        return;
                    }

                    var state = networks.States.GetOrAdd(type, t => new ModuleState(t));
                    symbolStart.RegisterOperationBlockAction(block => state.Collect(block));
                    symbolStart.RegisterSymbolEndAction(end =>
                    {
                        if (!networks.Inputs(type).Any())
                        {
                            if (type.IsAbstract || networks.DependsOnOtherClasses(type))
                            {
                                return;
                            }

                            networks.Sweep(new Sink(end.ReportDiagnostic, atCompilationEnd: false), type, end.CancellationToken);
                            return;
                        }

                        // A module that needs other classes (a base class, nested modules, [MirrorOf]) can only be
                        // followed once every class has been read: at compilation end.
                        if (networks.DependsOnOtherClasses(type))
                        {
                            networks.Deferred.TryAdd(type, 0);
                            return;
                        }

                        networks.Analyze(new Sink(end.ReportDiagnostic, atCompilationEnd: false), type, networks.Inputs(type), end.CancellationToken);
                    });
                },
                SymbolKind.NamedType);

            // Inputs from constant-shape tensors passed to forward/call anywhere (DESIGN.md §3): one walk of each
            // file's syntax, operations only for one-argument calls named forward or call (docs/PERFORMANCE.md).
            start.RegisterSemanticModelAction(context =>
            {
                var sink = new Sink(context.ReportDiagnostic, context.SemanticModel.SyntaxTree, networks.Elsewhere);
                foreach (var invocation in CandidateInvocations.Find(context.SemanticModel, null, CalledWords, static i => i.ArgumentList.Arguments.Count == 1
                    && CandidateInvocations.CalledName(i) is "forward" or "call", context.CancellationToken))
                {
                    CollectTensorInput(sink, invocation, networks, context.CancellationToken);
                }
            });
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var diagnostic in networks.Elsewhere)
                {
                    end.ReportDiagnostic(diagnostic);
                }

                var sink = new Sink(end.ReportDiagnostic, atCompilationEnd: true);
                foreach (var type in networks.Deferred.Keys)
                {
                    networks.Analyze(sink, type, networks.Inputs(type), end.CancellationToken);
                }

                foreach (var group in networks.TensorInputs.Keys.GroupBy(k => k.Type, SymbolEqualityComparer.Default))
                {
                    var type = (INamedTypeSymbol)group.Key!;
                    var declared = networks.Inputs(type).ToList();
                    var inputs = group.Select(g => g.Shape).Where(s => !declared.Contains(s)).Distinct().ToList();
                    if (inputs.Count > 0)
                    {
                        networks.Analyze(sink, type, inputs, end.CancellationToken);
                    }
                }
            });
        });
    }

    /// <summary>Everything the analyzer knows about the module classes of one compilation.</summary>
    private sealed class Networks
    {
        private readonly INamedTypeSymbol _module;

        public Networks(TorchSharpSymbols symbols, INamedTypeSymbol module, ShapeAttributes attributes)
        {
            Symbols = symbols;
            _module = module;
            Attributes = attributes;
        }

        public TorchSharpSymbols Symbols { get; }

        public ShapeAttributes Attributes { get; }

        public ConcurrentDictionary<INamedTypeSymbol, ModuleState> States { get; } = new(SymbolEqualityComparer.Default);

        public ConcurrentDictionary<INamedTypeSymbol, byte> Deferred { get; } = new(SymbolEqualityComparer.Default);

        public ConcurrentDictionary<(INamedTypeSymbol Type, TensorShape Shape), byte> TensorInputs { get; } = new();

        /// <summary>Diagnostics a file's analysis found in another file: reported at compilation end.</summary>
        public ConcurrentQueue<Diagnostic> Elsewhere { get; } = new();

        public bool IsModule(INamedTypeSymbol type) => DerivesFrom(type, _module);

        public bool IsSourceModule(INamedTypeSymbol type) => type.Locations.Any(l => l.IsInSource) && IsModule(type);

        public ModuleModel? Resolve(INamedTypeSymbol type) =>
            ModuleModel.Resolve(type, t => States.TryGetValue(t, out var state) ? state : null);

        /// <summary>Its own [InputShape]s, or with [MirrorOf(typeof(E))] E's.</summary>
        public IEnumerable<TensorShape> Inputs(INamedTypeSymbol type) =>
            Attributes.MirrorOf(type) is { } encoder ? Attributes.Inputs(encoder) : Attributes.Inputs(type);

        public bool DependsOnOtherClasses(INamedTypeSymbol type) =>
            (type.BaseType is { } baseType && IsSourceModule(baseType))
            || Attributes.MirrorOf(type) is not null
            || (Resolve(type)?.BuildsModules(IsSourceModule) ?? false);

        /// <summary>Sizes a sweep tries; a decoder is reported only if it misses its encoder for every one it reaches.</summary>
        private const int SweepSizes = 64;

        /// <summary>The fewest sizes that must reach a decoder before "never" is claimed.</summary>
        private const int SweepMinimumReached = 8;

        /// <summary>
        /// Without any input shape, runs the module on every size 1–64 (channels from its first layer) and reports a
        /// decoder ConvTranspose that misses its encoder's shape for every size that reaches it: its size change can
        /// never cancel (for example a padding that puts every size off by a constant).
        /// </summary>
        public void Sweep(Sink sink, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (Resolve(type) is not { Forward: not null } model)
            {
                return;
            }

            // A pair needs a downsampling layer and a strided ConvTranspose: without both there is nothing to sweep for.
            var layers = model.Members.Values.SelectMany(v => v.DescendantsAndSelf()).OfType<IInvocationOperation>()
                .Select(i => LayerCall.TryCreate(i, Symbols, cancellationToken)?.Geometry).Where(g => g is not null).Select(g => g!).ToList();
            var ranks = layers.Where(MirrorPairing.Upsamples).Select(g => g.SpatialRank).Distinct().ToList();
            if (ranks.Count != 1 || !layers.Any(MirrorPairing.Downsamples))
            {
                return;
            }

            var report = new PropagationReport();
            var runner = new ModuleRunner(Symbols, Resolve, cancellationToken);
            var decoderLayers = layers.Count(MirrorPairing.Upsamples);
            for (long size = 1; size <= SweepSizes; size++)
            {
                var dims = new[] { 1L, 1L }.Concat(Enumerable.Repeat(size, ranks[0])).ToArray();
                var input = new TensorValue(new TensorShape(dims), ImmutableStack<PushedShape>.Empty, AnyChannels: true);
                runner.Run(model, input, new ShapePropagator(report, $"size {size}", runner));

                // Only a decoder layer that matched for no size is reported: once every one has matched, stop.
                if (report.PairOutcomes.Count == decoderLayers && report.PairOutcomes.Values.All(o => o.Matched > 0))
                {
                    return;
                }
            }

            foreach (var entry in report.PairOutcomes)
            {
                var (matched, missed, first) = entry.Value;
                if (matched == 0 && missed >= SweepMinimumReached)
                {
                    sink.Report(DiagnosticDescriptors.DecoderMismatch, entry.Key,
                        $"for every input size from 1 to {SweepSizes} that reaches it ({missed} sizes), this decoder layer misses the shape its encoder layer received: its size change can never cancel the encoder's; {first}");
                }
            }
        }

        public void Analyze(Sink sink, INamedTypeSymbol type, IEnumerable<TensorShape> inputs, CancellationToken cancellationToken)
        {
            if (Resolve(type) is not { Forward: not null } model)
            {
                return;
            }

            var encoder = Attributes.MirrorOf(type) is { } encoderType ? Resolve(encoderType) : null;
            var (report, outputs) = NetworkRun.Run(Symbols, Resolve, model, encoder, inputs, cancellationToken);
            ReportAll(sink, report);
            ReportOutputShape(sink, type, Attributes, outputs);
        }
    }

    /// <summary>
    /// <c>model.forward(torch.randn(new long[] { ... }))</c>: for a module class, the shape becomes one of its inputs
    /// (analyzed at compilation end); for a Sequential or layer held in a local, the flow is followed right here.
    /// </summary>
    private static void CollectTensorInput(Sink sink, IInvocationOperation invocation, Networks networks, CancellationToken cancellationToken)
    {
        if (invocation.TargetMethod.Name is not ("forward" or "call") || invocation.Instance is not { } receiver || invocation.Arguments.Length != 1
            || ConstantTensorShape(invocation.Arguments[0].Value, cancellationToken) is not { } shape)
        {
            return;
        }

        if (receiver.Type is INamedTypeSymbol receiverType && networks.IsSourceModule(receiverType))
        {
            networks.TensorInputs.TryAdd((receiverType, shape), 0);
            return;
        }

        var step = new FlowBuilder(networks.Symbols, new Dictionary<ISymbol, IOperation>(SymbolEqualityComparer.Default), null, cancellationToken).Build(receiver);
        if (step is UnknownStep or ClassStep)
        {
            return;
        }

        var report = new PropagationReport();
        new ShapePropagator(report, ArithmeticText.Shape(shape.Dims)).Apply(step, TensorValue.Input(shape));
        ReportAll(sink, report);
    }

    /// <summary>The shape of <c>torch.randn/rand/zeros/ones/empty(new long[] { ... })</c> (or with the sizes as arguments).</summary>
    private static TensorShape? ConstantTensorShape(IOperation argument, CancellationToken cancellationToken)
    {
        while (argument is IConversionOperation conversion)
        {
            argument = conversion.Operand;
        }

        if (argument is not IInvocationOperation { Instance: null } factory || factory.TargetMethod.Name is not ("randn" or "rand" or "zeros" or "ones" or "empty")
            || factory.TargetMethod.ContainingType is not { Name: "torch", ContainingNamespace.Name: "TorchSharp" })
        {
            return null;
        }

        var sizes = new List<long>();
        foreach (var sizeArgument in factory.Arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue))
        {
            var value = ConstantEvaluator.Evaluate(sizeArgument.Value, cancellationToken);
            if (sizeArgument.Parameter?.Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int64 } && value is { Kind: ConstKind.Sequence })
            {
                if (value.Items.Any(i => i is not { Kind: ConstKind.Integer }))
                {
                    return null;
                }

                sizes.AddRange(value.Items.Select(i => i!.Integer));
            }
            else if (sizeArgument.Parameter?.Type.SpecialType == SpecialType.System_Int64)
            {
                // randn(2, 3, 32, 32): every given long is a size (the other parameters are dtype, device, ...).
                if (value is not { Kind: ConstKind.Integer })
                {
                    return null;
                }

                sizes.Add(value.Integer);
            }
            else if (sizeArgument.Parameter?.Type is IArrayTypeSymbol)
            {
                return null;
            }
        }

        return sizes.Count > 0 && sizes.All(s => s > 0) ? new TensorShape(sizes.ToArray()) : null;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol module)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, module))
            {
                return true;
            }
        }

        return false;
    }

    private static void ReportAll(Sink sink, PropagationReport report)
    {
        ReportLayers(sink, report);
        ReportPairings(sink, report);
        Report(sink, report.Drops, DiagnosticDescriptors.EncoderDropsRows);
        Report(sink, report.Joins, DiagnosticDescriptors.JoinMismatch);
    }

    /// <summary>
    /// CONV005, with the fix as properties when every failing input needs the same one (the code fix reads them):
    /// <c>padding</c> and <c>output_padding</c>, comma-separated per dimension.
    /// </summary>
    private static void ReportPairings(Sink sink, PropagationReport report)
    {
        foreach (var entry in report.Pairings)
        {
            var fixes = entry.Value.Select(p => p.Mismatch.Fix).ToList();
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (fixes.All(f => f is not null) && fixes.Select(f => f!.Key).Distinct().Count() == 1)
            {
                properties = properties
                    .Add("padding", string.Join(",", fixes[0]!.Padding))
                    .Add("output_padding", string.Join(",", fixes[0]!.OutputPadding))
                    .Add("result", string.Join(",", entry.Value[0].Mismatch.Target));
            }

            sink.Report(DiagnosticDescriptors.DecoderMismatch, entry.Key, Join(entry.Value.Select(p => (p.Input, p.Mismatch.Message))), properties);
        }
    }

    /// <summary>Where diagnostics go: a context's report action, with compilation-end descriptors when reported at the end.</summary>
    private sealed class Sink
    {
        private readonly System.Action<Diagnostic> _report;
        private readonly bool _atCompilationEnd;
        private readonly SyntaxTree? _tree;
        private readonly ConcurrentQueue<Diagnostic>? _elsewhere;

        public Sink(System.Action<Diagnostic> report, bool atCompilationEnd)
        {
            _report = report;
            _atCompilationEnd = atCompilationEnd;
        }

        /// <summary>For the analysis of one file: what lands in another file waits in <paramref name="elsewhere"/> for compilation end.</summary>
        public Sink(System.Action<Diagnostic> report, SyntaxTree tree, ConcurrentQueue<Diagnostic> elsewhere)
        {
            _report = report;
            _tree = tree;
            _elsewhere = elsewhere;
        }

        public void Report(DiagnosticDescriptor descriptor, Location location, string message, ImmutableDictionary<string, string?>? properties = null, IEnumerable<Location>? additionalLocations = null)
        {
            if (_tree is not null && location.SourceTree != _tree)
            {
                _elsewhere!.Enqueue(Diagnostic.Create(DiagnosticDescriptors.AtCompilationEnd(descriptor), location, additionalLocations, properties, message));
                return;
            }

            _report(Diagnostic.Create(_atCompilationEnd ? DiagnosticDescriptors.AtCompilationEnd(descriptor) : descriptor, location, additionalLocations, properties, message));
        }
    }

    private static void ReportLayers(Sink context, PropagationReport report)
    {
        foreach (var entry in report.Layers)
        {
            var location = entry.Key;
            var results = entry.Value.Select(r => (r.Input, r.Run.LayerInput, r.Run.Outcome)).ToList();
            var traces = results.Where(r => r.Outcome.IsValid)
                .Select(r => $"{ArithmeticText.Shape(r.LayerInput.Dims)} → {ArithmeticText.Shape(r.Outcome.Output!.Dims)}" + (r.Outcome.Arithmetic.Count > 0 ? " (" + string.Join("; ", r.Outcome.Arithmetic) + ")" : string.Empty))
                .Distinct().ToList();
            if (traces.Count > 0)
            {
                context.Report(DiagnosticDescriptors.ShapeTrace, location, string.Join(" | ", traces));
            }

            // Input-independent failures are the layer analyzer's (CONV001/CONV002 on the arguments): not repeated here.
            var failures = entry.Value.Where(r => !r.Run.Outcome.IsValid)
                .SelectMany(r => r.Run.Outcome.Violations.Where(v => v.Rule is not (Rule.OutputPaddingNotSmaller) && !IsInputIndependent(v)).Take(1).Select(v => (r.Input, Violation: v, r.Run)));
            foreach (var group in failures.GroupBy(f => f.Violation.DiagnosticId))
            {
                var descriptor = group.Key switch
                {
                    RuleIdentifiers.EmptyOutput => DiagnosticDescriptors.EmptyOutput,
                    RuleIdentifiers.ChannelMismatch => DiagnosticDescriptors.ChannelMismatch,
                    RuleIdentifiers.RankMismatch => DiagnosticDescriptors.RankMismatch,
                    _ => DiagnosticDescriptors.InvalidHyperparameter,
                };
                // The code fixes for CONV004 set the receiving parameter to what every failing input delivers, or the
                // producing layer's out_channels / out_features to what the receiving layer expects.
                var properties = ImmutableDictionary<string, string?>.Empty;
                var additional = new List<Location>();
                var received = group.Select(f => f.Violation.Received).Distinct().ToList();
                if (group.Key == RuleIdentifiers.ChannelMismatch && received is [long value] && group.First().Violation.Parameter is string parameter)
                {
                    properties = properties.Add("parameter", parameter).Add("received", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    var producers = group.Select(f => f.Run.Producer).Distinct().ToList();
                    var receiving = group.First().Run.Call.Geometry;
                    if (producers is [LayerCall producer] && receiving.InChannels is long expected
                        && (producer.Geometry.Kind == LayerKind.Linear) == (parameter == "in_features"))
                    {
                        properties = properties
                            .Add("producer_parameter", producer.Geometry.Kind == LayerKind.Linear ? "out_features" : "out_channels")
                            .Add("expected", expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        additional.Add(producer.Invocation.Syntax.GetLocation());
                    }
                }

                context.Report(descriptor, location, Join(group.Select(f => (f.Input, f.Violation.Message))), properties, additional);
            }
        }
    }

    private static bool IsInputIndependent(Violation violation) =>
        RuleInfo.Of(violation.Rule).DiagnosticId == RuleIdentifiers.InvalidHyperparameter
        && violation.Rule is not (Rule.PaddingModeExceedsInput or Rule.OutputSizeOutOfRange or Rule.ArithmeticOverflow);

    private static void Report(Sink context, Dictionary<Location, List<(string Input, string Message)>> findings, DiagnosticDescriptor descriptor)
    {
        foreach (var entry in findings)
        {
            context.Report(descriptor, entry.Key, Join(entry.Value));
        }
    }

    /// <summary>One message naming every input: "for input [..]: …", inputs with the same finding named together.</summary>
    private static string Join(IEnumerable<(string Input, string Message)> findings)
    {
        var groups = findings.GroupBy(f => f.Message).ToList();
        return string.Join("; ", groups.Select(g => $"for input {string.Join(" and ", g.Select(f => f.Input).Distinct())}: {g.Key}"));
    }

    private static void ReportOutputShape(Sink context, INamedTypeSymbol type, ShapeAttributes attributes, List<(TensorShape Input, TensorShape? Output, List<(LayerCall Call, TensorShape Output)> Trace)> outputs)
    {
        if (attributes.Output(type) is not { } declared)
        {
            return;
        }

        var findings = new List<(string, string)>();
        foreach (var (input, output, trace) in outputs)
        {
            if (output is null || Matches(output, declared.Shape))
            {
                continue;
            }

            var stages = string.Join(" → ", trace.Select(t => $"{t.Call.Geometry.TorchName} {ArithmeticText.Shape(t.Output.Dims)}"));
            var message = $"forward returns {ArithmeticText.Shape(output.Dims)}, but [OutputShape] declares {ArithmeticText.Shape(declared.Shape)}; stages: {ArithmeticText.Shape(input.Dims)} → {stages}";
            if (StopsGrowing(trace, input) is { } stall)
            {
                message += $"; the spatial size stops growing at {stall}";
            }

            findings.Add((ArithmeticText.Shape(input.Dims), message));
        }

        if (findings.Count > 0)
        {
            context.Report(DiagnosticDescriptors.OutputShapeMismatch, declared.Location, Join(findings));
        }
    }

    private static bool Matches(TensorShape actual, long[] declared) =>
        actual.Rank == declared.Length && Enumerable.Range(0, declared.Length).All(i => declared[i] == -1 || declared[i] == actual[i]);

    /// <summary>The first strided ConvTranspose that does not enlarge what it receives (a generator that stalls).</summary>
    private static string? StopsGrowing(List<(LayerCall Call, TensorShape Output)> trace, TensorShape input)
    {
        var previous = input;
        foreach (var (call, output) in trace)
        {
            var g = call.Geometry;
            if (MirrorPairing.Upsamples(g) && previous.Rank == output.Rank
                && output.Spatial(g.SpatialRank).SequenceEqual(previous.Spatial(g.SpatialRank)))
            {
                var line = call.Invocation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                return $"{g.TorchName} on line {line}: {ArithmeticText.Shape(previous.Dims)} → {ArithmeticText.Shape(output.Dims)}";
            }

            previous = output;
        }

        return null;
    }
}
