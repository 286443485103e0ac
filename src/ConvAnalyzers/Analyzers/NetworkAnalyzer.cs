using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Interpretation;
using ConvAnalyzers.Results;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Runs every network root on the interpreter and reports the shape at every layer (CONV000), why a layer has none
/// (CONV012), the layers that fail (CONV003, CONV004, CONV006), decoders that do not give their encoder's shape back
/// (CONV005, CONV008), joins that do not fit (CONV010), outputs that differ from <c>[OutputShape]</c> (CONV009) and
/// the sizes an input written with <c>-1</c> accepts (CONV011).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Reported = ImmutableArray.Create(
        DiagnosticDescriptors.ShapeTrace,
        DiagnosticDescriptors.ShapeUnknown,
        DiagnosticDescriptors.InvalidHyperparameter,
        DiagnosticDescriptors.EmptyOutput,
        DiagnosticDescriptors.ChannelMismatch,
        DiagnosticDescriptors.DecoderMismatch,
        DiagnosticDescriptors.RankMismatch,
        DiagnosticDescriptors.EncoderDropsRows,
        DiagnosticDescriptors.OutputShapeMismatch,
        DiagnosticDescriptors.JoinMismatch,
        DiagnosticDescriptors.FreeSizes);

    /// <summary>A file mentions none of these: it declares no root (no attribute, no forward call).</summary>
    private static readonly string[] RootWords = ["InputShape", "MirrorOf", "forward", "call"];

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        Reported.AddRange(Reported.Select(DiagnosticDescriptors.AtCompilationEnd));

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchLibrary.Create(start.Compilation) is null)
            {
                return;
            }

            var attributes = ShapeAttributes.For(start.Compilation);
            var elsewhere = new ConcurrentDictionary<(string Id, Location Location, string Message), Diagnostic>();
            // CONV000 and CONV012 are computed only where their severity is raised above Hidden (DESIGN §4).
            var traces = new EffectiveSeverity(start.Compilation, start.Options, DiagnosticDescriptors.ShapeTrace);
            var unknowns = new EffectiveSeverity(start.Compilation, start.Options, DiagnosticDescriptors.ShapeUnknown);
            var creations = new System.Lazy<CreationIndex>(() => CreationIndex.Build(start.Compilation, System.Threading.CancellationToken.None), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSemanticModelAction(context =>
            {
                var tree = context.SemanticModel.SyntaxTree;
                // Code with syntax errors (typing in progress) is not followed: silence, not a guess.
                if (!CandidateInvocations.Mentions(tree.GetText(context.CancellationToken), RootWords)
                    || tree.GetDiagnostics(context.CancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    return;
                }

                AnalyzeFile(context, attributes, creations, traces, unknowns, elsewhere);
            });
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var diagnostic in elsewhere.Values)
                {
                    end.ReportDiagnostic(diagnostic);
                }
            });
        });
    }

    /// <summary>
    /// The analysis of one file that may declare a root: its own method, so that the files the text check rejects (most
    /// of a solution) allocate nothing for the closures this needs.
    /// </summary>
    private static void AnalyzeFile(SemanticModelAnalysisContext context, ShapeAttributes attributes, System.Lazy<CreationIndex> creations,
        EffectiveSeverity traces, EffectiveSeverity unknowns, ConcurrentDictionary<(string Id, Location Location, string Message), Diagnostic> elsewhere)
    {
        var tree = context.SemanticModel.SyntaxTree;
        // One library per file action: the interpreter's state is not shared between threads.
        var library = TorchLibrary.Create(context.SemanticModel.Compilation)!;
        var compilation = context.SemanticModel.Compilation;
        var runs = new NetworkRuns(compilation, library, attributes, context.CancellationToken, creations).RunsOf(tree, context.SemanticModel).ToList();
        var models = new Dictionary<SyntaxTree, SemanticModel> { [tree] = context.SemanticModel };
        SemanticModel? ModelOf(SyntaxTree t)
        {
            if (!models.TryGetValue(t, out var m) && compilation.ContainsSyntaxTree(t))
            {
#pragma warning disable RS1030 // A fix's edit is computed where the layer call is, possibly in another file of the network.
                models[t] = m = compilation.GetSemanticModel(t);
#pragma warning restore RS1030
            }

            return m;
        }

        foreach (var diagnostic in Diagnose(runs, attributes, ModelOf, t => traces.IsRaised(t, context.CancellationToken), t => unknowns.IsRaised(t, context.CancellationToken), context.CancellationToken))
        {
            var local = diagnostic.Location.SourceTree == tree && diagnostic.Origins.All(o => o == tree);
            if (local)
            {
                context.ReportDiagnostic(diagnostic.Create(atCompilationEnd: false));
            }
            else
            {
                var d = diagnostic.Create(atCompilationEnd: true);
                elsewhere.TryAdd((d.Id, d.Location, d.GetMessage(CultureInfo.InvariantCulture)), d);
            }
        }
    }

    /// <summary>A diagnostic before it is created: the files its facts came from decide where it is reported.</summary>
    private sealed record Finding(DiagnosticDescriptor Descriptor, Location Location, string Message, ImmutableDictionary<string, string?> Properties, IReadOnlyCollection<SyntaxTree> Origins, IReadOnlyList<Location>? Additional = null)
    {
        public Diagnostic Create(bool atCompilationEnd) =>
            Diagnostic.Create(atCompilationEnd ? DiagnosticDescriptors.AtCompilationEnd(Descriptor) : Descriptor, Location, Additional, Properties, Message);
    }

    /// <param name="traced">Whether CONV000 is raised in a file (else no trace is built for its layers).</param>
    /// <param name="explained">Whether CONV012 is raised in a file.</param>
    private static IEnumerable<Finding> Diagnose(List<NetworkRuns.Run> runs, ShapeAttributes attributes, System.Func<SyntaxTree, SemanticModel?> models,
        System.Func<SyntaxTree, bool> traced, System.Func<SyntaxTree, bool> explained, System.Threading.CancellationToken cancellationToken)
    {
        // Each finding is compilation-end only when a run it comes from started in another file (DESIGN §3, editor visibility).
        var originOf = new Dictionary<object, HashSet<SyntaxTree>>();
        foreach (var run in runs)
        {
            foreach (var record in run.Recorder.Layers.Cast<object>().Concat(run.Recorder.Pairs).Concat(run.Recorder.Ops).Concat(run.Recorder.Unknowns))
            {
                if (!originOf.TryGetValue(record, out var trees))
                {
                    originOf[record] = trees = new HashSet<SyntaxTree>();
                }

                trees.UnionWith(run.Origins);
            }
        }

        IReadOnlyCollection<SyntaxTree> OriginsOf(IEnumerable<object> records) => new HashSet<SyntaxTree>(records.SelectMany(r => originOf.TryGetValue(r, out var t) ? t : Enumerable.Empty<SyntaxTree>()));
        var layers = runs.SelectMany(r => r.Recorder.Layers).ToList();
        var findings = new List<Finding>();
        var failedSites = new HashSet<SyntaxNode>();
        var nearest = new Dictionary<string, NearestSizes>();
        foreach (var entry in runs.SelectMany(r => r.Recorder.Nearest))
        {
            nearest[entry.Key] = entry.Value;
        }

        // CONV011: the sizes each input written with -1 accepts.
        foreach (var group in runs.SelectMany(r => r.Recorder.FreeSizes.Select(f => (f.Attribute, f.Answer.Message, r.Origins))).GroupBy(f => f.Attribute))
        {
            findings.Add(new Finding(DiagnosticDescriptors.FreeSizes, group.Key.GetLocation(), string.Join("; ", group.Select(f => f.Message).Distinct()),
                ImmutableDictionary<string, string?>.Empty, new HashSet<SyntaxTree>(group.SelectMany(f => f.Origins))));
        }

        // CONV000: one trace per layer call site, every context and input.
        foreach (var group in layers.Where(l => l.Output is not null && traced(l.Site.Call.SyntaxTree)).GroupBy(l => l.Site.Call))
        {
            var records = group.ToList();
            var label = ContextLabels(layers.Where(l => l.Site.Call == group.Key).ToList());
            var entries = records.Select(r => $"{r.Context}|{string.Join(",", r.LayerInput.Select(d => d.ToString()))}|{string.Join(",", r.Output!.Select(d => d.ToString()))}").Distinct().ToList();
            var traces = records.Select(r =>
                (label(r) is { } context ? $"in {context}: " : string.Empty)
                + $"{Dim.Format(r.LayerInput)} → {Dim.Format(r.Output!)}"
                + (r.Outcome is { Arithmetic.Count: > 0 } o ? " (" + string.Join("; ", o.Arithmetic) + ")" : string.Empty)
                + (r.Input.IndexOf(NetworkRecorder.SmallestAccepted, System.StringComparison.Ordinal) is var at and > 0 ? r.Input.Substring(at) : string.Empty)).Distinct().ToList();
            findings.Add(new Finding(DiagnosticDescriptors.ShapeTrace, group.Key.GetLocation(), string.Join(" | ", traces),
                ImmutableDictionary<string, string?>.Empty.Add("shapes", string.Join(";", entries)), OriginsOf(records)));
        }

        // Layer failures on an input, at the value responsible.
        foreach (var record in layers.Where(l => l.Outcome is { IsValid: false } && l.Certain))
        {
            failedSites.Add(record.Site.Call);
        }

        var failures = layers.Where(l => l.Outcome is { IsValid: false } && l.Certain)
            .SelectMany(l => l.Outcome!.Violations.Where(v => v.Rule is not Rule.OutputPaddingNotSmaller && !IsInputIndependent(v)).Take(1).Select(v => (Record: l, Violation: v)));
        foreach (var group in failures.GroupBy(f => (Node: f.Record.Site.LocationOf(f.Violation.Parameter), f.Violation.DiagnosticId)))
        {
            var descriptor = group.Key.DiagnosticId switch
            {
                RuleIdentifiers.EmptyOutput => DiagnosticDescriptors.EmptyOutput,
                RuleIdentifiers.ChannelMismatch => DiagnosticDescriptors.ChannelMismatch,
                RuleIdentifiers.RankMismatch => DiagnosticDescriptors.RankMismatch,
                _ => DiagnosticDescriptors.InvalidHyperparameter,
            };
            var first = group.First();
            var location = group.Key.Node;
            var properties = ImmutableDictionary<string, string?>.Empty.Add("layer", Span(first.Record.Site.Call));
            var additional = new List<Location>();
            var received = group.Select(f => f.Violation.Received).Distinct().ToList();
            if (group.Key.DiagnosticId == RuleIdentifiers.ChannelMismatch && received is [long value] && first.Violation.Parameter is string parameter)
            {
                properties = properties.Add("parameter", parameter).Add("received", value.ToString(CultureInfo.InvariantCulture));
                if (first.Record.Site.IsPassedIn(parameter))
                {
                    properties = properties.Add("passed_in", "true");
                }

                // Set the parameter to what it receives: offered when every context that reads the edited value fails here the same way.
                var edits = group.Select(f => ModelEdits(models, location, f.Record.Site, [(parameter, [value])], cancellationToken)).ToList();
                var reads = UsesOf(first.Record.Site, parameter, layers).ToList();
                if (edits.All(e => FixEdits.Same(e, edits[0]))
                    && reads.All(u => u.Parameter == parameter && group.Any(f => f.Record == u.Record)))
                {
                    properties = FixEdits.Write(properties, string.Empty, edits[0]!);
                }

                var receiving = first.Record.Site.Geometry;
                var producers = group.Select(f => f.Record.Producer).ToList();
                if (producers.All(p => p is not null) && receiving?.InChannels is long expected && producers[0]!.Geometry is { } pg
                    && (pg.Kind == LayerKind.Linear) == (parameter == "in_features"))
                {
                    var producerParameter = pg.Kind == LayerKind.Linear ? "out_features" : "out_channels";
                    properties = properties
                        .Add("producer_parameter", producerParameter)
                        .Add("expected", expected.ToString(CultureInfo.InvariantCulture));
                    additional.Add(producers[0]!.Call.GetLocation());

                    // The producer's output: offered when all the contexts agree and the edited value feeds only these failures.
                    var producerEdits = group.Select(f => ModelEdits(models, location, f.Record.Producer!, [(producerParameter, [expected])], cancellationToken)).ToList();
                    var producerReads = UsesOf(producers[0]!, producerParameter, layers).ToList();
                    if (producerEdits.All(e => FixEdits.Same(e, producerEdits[0]))
                        && producerReads.All(u => u.Parameter == producerParameter) && producerReads.Count == group.Count())
                    {
                        properties = FixEdits.Write(properties, ProducerAction, producerEdits[0]!);
                    }
                }
            }

            var label = ContextLabels(layers.Where(l => l.Site.Call == first.Record.Site.Call).ToList());
            var message = Join(WithNearest(group.Select(f => (Label(f.Record.Input, label(f.Record)), f.Violation.Message)), nearest));
            findings.Add(new Finding(descriptor, location.GetLocation(), message, properties, OriginsOf(group.Select(f => f.Record)), additional));
        }

        // CONV005 and CONV008: the pairing stack.
        var allPairs = runs.SelectMany(r => r.Recorder.Pairs).ToList();
        var pairs = allPairs.Where(p => p.Certain).ToList();
        // At the decoder's call, or where its output_padding was passed in (a block's constructor argument).
        foreach (var group in pairs.GroupBy(p => p.Decoder.LocationOf("output_padding")))
        {
            var call = group.First().Decoder.Call;
            var mismatches = group.Select(p => (Pair: p, Mismatch: MirrorPairing.Mismatch(p.Decoder.Geometry!, p.DecoderInput, p.DecoderOutput, p.Encoder.Encoder.Name, p.Encoder.Spatial)))
                .Where(m => m.Mismatch is not null).ToList();
            if (mismatches.Count > 0)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add("layer", Span(call));
                var fixes = mismatches.Select(m => m.Mismatch!.Fix).ToList();

                // Every context that reads an edited value must be a mismatch here that this edit fixes.
                bool FixesEveryReader(IEnumerable<(LayerRecord Record, string Parameter)> reads) =>
                    reads.All(u => mismatches.Any(m => m.Pair.Decoder == u.Record.Site && m.Pair.Input == u.Record.Input));
                if (fixes.All(f => f is not null) && fixes.Select(f => f!.Key).Distinct().Count() == 1
                    && mismatches.Select(m => string.Join(",", m.Mismatch!.Target)).Distinct().Count() == 1)
                {
                    var fix = fixes[0]!;
                    var site = mismatches[0].Pair.Decoder;
                    var changesPadding = site.Geometry!.Padding.KnownValues is not { } current || !current.SequenceEqual(fix.Padding);
                    properties = properties
                        .Add("padding", string.Join(",", fix.Padding))
                        .Add("output_padding", string.Join(",", fix.OutputPadding))
                        .Add("padding_changes", changesPadding ? "true" : "false")
                        .Add("result", string.Join(",", mismatches[0].Mismatch!.Target));
                    var location = group.Key;
                    var sharesCall = allPairs.Where(p => p.Decoder.Call == call).All(p => mismatches.Any(m => m.Pair.Decoder == p.Decoder && m.Pair.Input == p.Input));
                    if (fix.OutputPadding.Distinct().Count() == 1)
                    {
                        var changes = new List<(string, long[])>();
                        if (changesPadding)
                        {
                            changes.Add(("padding", fix.Padding));
                        }

                        changes.Add(("output_padding", fix.OutputPadding));
                        var edits = mismatches.Select(m => ModelEdits(models, location, m.Pair.Decoder, changes, cancellationToken)).ToList();
                        if (edits.All(e => FixEdits.Same(e, edits[0])) && FixesEveryReader(changes.SelectMany(c => UsesOf(site, c.Item1, layers))))
                        {
                            properties = FixEdits.Write(properties, string.Empty, edits[0]!);
                        }
                    }
                    else if (!changesPadding && sharesCall && models(location.SyntaxTree) is { } model
                        && FixEdits.UseOutputSize(model, site, site.Geometry.SpatialRank, mismatches[0].Mismatch!.Target, cancellationToken) is { } exact
                        && exact.All(e => e.Tree == location.SyntaxTree))
                    {
                        // Per-dimension output_padding: TorchSharp 0.107's forward(x) would collapse it; forward(x, output_size) is exact.
                        properties = FixEdits.Write(properties, OutputSizeAction, exact);
                    }
                }

                var label = ContextLabels(allPairs.Where(p => p.Decoder.Call == call).ToList());
                findings.Add(new Finding(DiagnosticDescriptors.DecoderMismatch, group.Key.GetLocation(),
                    Join(WithNearest(mismatches.Select(m => (Label(m.Pair.Input, label(m.Pair)), m.Mismatch!.Message)), nearest)), properties, OriginsOf(mismatches.Select(m => m.Pair))));
            }
        }

        foreach (var drop in pairs.Select(p => (p, Message: DropMessage(p))).Where(d => d.Message is not null).GroupBy(d => d.p.Encoder.Encoder.Call))
        {
            findings.Add(new Finding(DiagnosticDescriptors.EncoderDropsRows, drop.Key.GetLocation(), Join(drop.Select(d => (d.p.Input, d.Message!))),
                ImmutableDictionary<string, string?>.Empty, OriginsOf(drop.Select(d => d.p))));
        }

        // CONV010 and tensor-op failures.
        foreach (var group in runs.SelectMany(r => r.Recorder.Ops).Where(o => o.Certain).GroupBy(o => (o.Syntax, o.DiagnosticId)))
        {
            var descriptor = group.Key.DiagnosticId switch
            {
                RuleIdentifiers.ChannelMismatch => DiagnosticDescriptors.ChannelMismatch,
                RuleIdentifiers.RankMismatch => DiagnosticDescriptors.RankMismatch,
                RuleIdentifiers.InvalidHyperparameter => DiagnosticDescriptors.InvalidHyperparameter,
                _ => DiagnosticDescriptors.JoinMismatch,
            };
            var opProperties = group.First().Layer is { } layer ? ImmutableDictionary<string, string?>.Empty.Add("layer", Span(layer)) : ImmutableDictionary<string, string?>.Empty;
            opProperties = SizeArgumentFix(group.ToList(), group.Key.Syntax, opProperties, runs, layers, models, cancellationToken);
            findings.Add(new Finding(descriptor, group.Key.Syntax.GetLocation(), Join(WithNearest(group.Select(o => (o.Input, o.Message)), nearest)), opProperties, OriginsOf(group)));
        }

        // CONV012: reached, but no shape.
        foreach (var group in runs.SelectMany(r => r.Recorder.Unknowns).Where(u => explained(u.Site.Call.SyntaxTree)).GroupBy(u => u.Site.Call))
        {
            var reasons = group.Select(u => u.Reason).Distinct().ToList();
            findings.Add(new Finding(DiagnosticDescriptors.ShapeUnknown, group.Key.GetLocation(), $"{group.First().Site.Name} has no known output shape: {string.Join("; ", reasons)}",
                ImmutableDictionary<string, string?>.Empty.Add("layer", Span(group.Key)), OriginsOf(group)));
        }

        // CONV009: the declared output.
        // Checked for every root the run applied: a class with [InputShape], or one applied to a tensor at a call site.
        foreach (var run in runs)
        {
            foreach (var rootGroup in run.Recorder.Outputs.Where(o => o.Root is not null).GroupBy(o => o.Root!, SymbolEqualityComparer.Default))
            {
                if (attributes.Output((INamedTypeSymbol)rootGroup.Key!) is not { } declared)
                {
                    continue;
                }

                var messages = new List<(string, string)>();
                foreach (var output in rootGroup.Where(o => o.Certain && o.Output?.Shape is not null))
                {
                    var shape = output.Output!.Shape!;
                    var matches = shape.Length == declared.Shape.Length && shape.Select((d, i) => declared.Shape[i] == -1 || (d.Known is long k && k == declared.Shape[i])).All(x => x);
                    var unknown = shape.Length == declared.Shape.Length && shape.Select((d, i) => declared.Shape[i] != -1 && !d.IsKnown).Any(x => x);
                    if (!matches && !unknown)
                    {
                        var stages = string.Join(" → ", run.Recorder.Layers.Where(l => l.Input == output.Input && l.Output is not null && l.Site.Rule == ModuleRule.Geometry).Select(l => $"{l.Site.Name} {Dim.Format(l.Output!)}"));
                        var message = $"forward returns {Dim.Format(shape)}, but [OutputShape] declares {ArithmeticText.Shape(declared.Shape)}; stages: {output.Input} → {stages}";
                        if (StopsGrowing(run.Recorder, output) is { } stall)
                        {
                            message += $"; the spatial size stops growing at {stall}";
                        }

                        messages.Add((output.Input, message));
                    }
                }

                if (messages.Count > 0)
                {
                    findings.Add(new Finding(DiagnosticDescriptors.OutputShapeMismatch, declared.Location, Join(WithNearest(messages.Distinct(), nearest)), ImmutableDictionary<string, string?>.Empty, run.Origins));
                }
            }
        }

        return findings;
    }

    private static string Span(SyntaxNode node) => $"{node.SpanStart}:{node.Span.Length}";

    /// <summary>
    /// CONV004 from a layer whose size argument does not fit what it receives (a norm's num_channels, num_features or
    /// normalized_shape): the fix sets that argument to what every failing context needs. Tried in order, each only
    /// when it changes nothing but these failures: (1) the value where it is written (the constant passed to the block,
    /// or the argument); (2) another parameter or local in scope at the call that holds, in every context of the call,
    /// what the layer receives there (<c>GroupNorm(groups, inChannels)</c> → <c>GroupNorm(groups, outChannels)</c>),
    /// when exactly one does; (3) the needed value written in the call, when every context of the call fails the same way.
    /// </summary>
    private static ImmutableDictionary<string, string?> SizeArgumentFix(List<OpRecord> group, SyntaxNode location, ImmutableDictionary<string, string?> properties,
        List<NetworkRuns.Run> runs, List<LayerRecord> layers, System.Func<SyntaxTree, SemanticModel?> models, System.Threading.CancellationToken cancellationToken)
    {
        if (group[0] is not { Site: { } site, Parameter: { } parameter, Needs: { } needs }
            || !group.All(o => o.Site is { } s && s.Call == site.Call && o.Parameter == parameter && o.Needs is { } n && n.SequenceEqual(needs)))
        {
            return properties;
        }

        var received = string.Join(", ", needs.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        var allOps = runs.SelectMany(r => r.Recorder.Ops).ToList();
        var callFailures = allOps.Where(o => o.Site?.Call == site.Call).ToList();
        var callSuccesses = layers.Where(l => l.Site.Call == site.Call).ToList();
        properties = properties.Add("parameter", parameter).Add("received", received);

        // (1) Where the value is written: every layer and failing op that reads it must be one of these failures.
        var edits = group.Select(o => ModelEdits(models, location, o.Site!, [(parameter, needs)], cancellationToken)).ToList();
        var origin = site.IsPassedIn(parameter) ? site.Arguments[parameter].Origin : null;
        var readingLayers = UsesOf(site, parameter, layers).Count();
        var readingOps = allOps.Where(o => o.Site is { } s && (origin is not null ? s.Arguments.Values.Any(v => v.Origin == origin) : s.Call == site.Call));
        if (edits.All(e => FixEdits.Same(e, edits[0])) && readingLayers == 0 && readingOps.All(group.Contains))
        {
            return FixEdits.Write(properties, string.Empty, edits[0]!);
        }

        // The edits below are at the call: each context of it must be known (a success or one of these failures).
        if (runs.Any(r => r.Recorder.Unknowns.Any(u => u.Site.Call == site.Call)) || !callFailures.All(group.Contains)
            || site.Call is not InvocationExpressionSyntax call || models(call.SyntaxTree) is not { } model || call.SyntaxTree != location.SyntaxTree
            || model.GetOperation(call, cancellationToken) is not IInvocationOperation operation
            || operation.Arguments.FirstOrDefault(a => !a.IsImplicit && a.Parameter is { } p && LayerTable.PyTorchName(operation.TargetMethod.Name, p.Name) == parameter)?.Syntax is not ArgumentSyntax argument)
        {
            return properties;
        }

        // (2) Another variable in scope that holds what the layer receives in every context of the call.
        if (needs.Length == 1)
        {
            // Parameters, and locals declared before the call, whose type converts implicitly to the parameter's.
            var parameterType = ((IArgumentOperation)operation.Arguments.First(a => a.Syntax == argument)).Parameter!.Type;
            var visible = new HashSet<ISymbol>(model.LookupSymbols(call.SpanStart).Where(s =>
                    (s is IParameterSymbol || (s is ILocalSymbol && s.DeclaringSyntaxReferences.All(r => r.Span.End <= call.SpanStart)))
                    && ((s as IParameterSymbol)?.Type ?? ((ILocalSymbol)s).Type) is { SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 } type
                    && model.Compilation.ClassifyCommonConversion(type, parameterType).IsImplicit),
                SymbolEqualityComparer.Default);
            var written = model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol;
            var candidates = site.Scope?.Keys.Where(symbol => visible.Contains(symbol) && !SymbolEqualityComparer.Default.Equals(symbol, written)
                    && callFailures.All(o => o.Needs is [var need] && o.Site!.Scope!.TryGetValue(symbol, out var v) && v.AsLong() == need)
                    && callSuccesses.All(l => l.Site.Scope is { } scope && scope.TryGetValue(symbol, out var v) && v.AsLong() is long value
                        && l.Site.Arguments.TryGetValue(parameter, out var current) && current.AsLong() == value))
                .ToList() ?? [];
            if (candidates is [var only])
            {
                return FixEdits.Write(properties.Add("argument", only.Name), string.Empty,
                    [new FixEdit(call.SyntaxTree, argument.Expression.Span, only.Name)]);
            }
        }

        // (3) The value itself in the call: every context of the call is one of these failures.
        if (callSuccesses.Count == 0
            && FixEdits.SetArguments(model, site, [(parameter, needs)], cancellationToken, passedIn: static _ => false) is { } here && here.All(e => e.Tree == location.SyntaxTree))
        {
            return FixEdits.Write(properties, string.Empty, here);
        }

        return properties;
    }

    /// <summary>The fix action that sets the producing layer's out_channels/out_features (CONV004).</summary>
    public const string ProducerAction = "producer.";

    /// <summary>The fix action that calls forward(x, output_size) (CONV005 with per-dimension output_padding).</summary>
    public const string OutputSizeAction = "output_size.";

    private static string Label(string input, string? context) => context is null ? input : $"{input} in {context}";

    /// <summary>
    /// How messages name the context of each record, null when there is only one: the owning module's key and creation
    /// (<c>layers.stage1a = BasicBlock(64, 128, 2)</c>, DESIGN §3) when those tell the contexts apart, else the layer's key.
    /// </summary>
    private static System.Func<T, string?> ContextLabels<T>(IReadOnlyList<T> records)
    {
        static (string Owner, string Key) Of(T record) => record switch
        {
            LayerRecord l => (l.Owner, l.Context),
            PairRecord p => (p.Owner, p.Context),
            _ => (string.Empty, string.Empty),
        };

        var contexts = records.Select(Of).Distinct().ToList();
        if (contexts.Count < 2)
        {
            return static _ => null;
        }

        var byOwner = contexts.All(c => c.Owner.Length > 0) && contexts.Select(c => c.Owner).Distinct().Count() == contexts.Count;
        return r => byOwner ? Of(r).Owner : Of(r).Key is { Length: > 0 } key ? key : "the root";
    }

    /// <summary>
    /// The records that read the value an edit of <paramref name="parameter"/> of <paramref name="site"/> changes: every use of a
    /// passed-in constant (whatever layer and parameter read it), else every context of the call.
    /// </summary>
    private static IEnumerable<(LayerRecord Record, string Parameter)> UsesOf(LayerSite site, string parameter, List<LayerRecord> layers)
    {
        if (site.IsPassedIn(parameter))
        {
            var origin = site.Arguments[parameter].Origin;
            return layers.SelectMany(r => r.Site.Arguments.Where(a => a.Value.Origin == origin).Select(a => (r, a.Key)));
        }

        return layers.Where(r => r.Site.Call == site.Call).Select(r => (r, parameter));
    }

    /// <summary>The edits setting a layer's parameters, when they all fall in the diagnostic's file.</summary>
    private static List<FixEdit>? ModelEdits(System.Func<SyntaxTree, SemanticModel?> models, SyntaxNode location, LayerSite site, IReadOnlyList<(string, long[])> changes, System.Threading.CancellationToken cancellationToken) =>
        models(site.Call.SyntaxTree) is { } model && FixEdits.SetArguments(model, site, changes, cancellationToken) is { } edits && edits.All(e => e.Tree == location.SyntaxTree)
            ? edits
            : null;

    private static string? DropMessage(PairRecord pair)
    {
        var eg = pair.Encoder.Encoder.Geometry;
        if (eg is not { Kind: LayerKind.Conv } || OutputPaddingSolver.MirrorOutputPadding(eg, pair.Encoder.Spatial) is not { } drops || !drops.Any(r => r > 0))
        {
            return null;
        }

        var dims = Enumerable.Range(0, drops.Length).Where(d => drops[d] > 0).Select(d => $"{ArithmeticText.DimensionName(d, eg.SpatialRank)} {drops[d]}");
        return $"{eg.TorchName} on {ArithmeticText.Sizes(pair.Encoder.Spatial)} leaves trailing rows/planes its stride never reaches ({string.Join(", ", dims)}): its mirror ConvTranspose needs output_padding {(drops.Distinct().Count() == 1 ? ArithmeticText.N(drops[0]) : ArithmeticText.Tuple(drops))} to give back {ArithmeticText.Sizes(pair.Encoder.Spatial)}";
    }

    private static bool IsInputIndependent(Violation violation) =>
        RuleInfo.Of(violation.Rule).DiagnosticId == RuleIdentifiers.InvalidHyperparameter
        && violation.Rule is not (Rule.PaddingModeExceedsInput or Rule.OutputSizeOutOfRange or Rule.ArithmeticOverflow);

    /// <summary>One message naming every input: "for input [..]: …", inputs with the same finding named together.</summary>
    private static string Join(IEnumerable<(string Input, string Message)> findings)
    {
        var groups = findings.GroupBy(f => f.Message).ToList();
        return string.Join("; ", groups.Select(g => $"for input {string.Join(" and ", g.Select(f => f.Input).Distinct())}: {g.Key}"));
    }

    /// <summary>A failure's message with the nearest accepted sizes of each failing input added (DESIGN §4, "Free sizes").</summary>
    private static IEnumerable<(string Input, string Message)> WithNearest(IEnumerable<(string Input, string Message)> findings, IReadOnlyDictionary<string, NearestSizes> nearest) =>
        findings.Select(f => nearest.TryGetValue(BareInput(f.Input), out var n) ? (f.Input, $"{f.Message} ({n.Text})") : f);

    /// <summary>The input's shape without a context: "[1,1,250,250] in enc = Block(...)" → "[1,1,250,250]".</summary>
    private static string BareInput(string label) => label.IndexOf(' ') is var space and > 0 ? label.Substring(0, space) : label;

    /// <summary>The first strided ConvTranspose that does not enlarge what it receives (a generator that stalls).</summary>
    private static string? StopsGrowing(NetworkRecorder recorder, OutputRecord output)
    {
        foreach (var layer in recorder.Layers.Where(l => l.Input == output.Input && l.Output is not null && l.Site.Geometry is { } g && MirrorPairing.Upsamples(g)))
        {
            var g = layer.Site.Geometry!;
            var before = layer.LayerInput.Skip(layer.LayerInput.Length - g.SpatialRank).ToList();
            var after = layer.Output!.Skip(layer.Output!.Length - g.SpatialRank).ToList();
            if (layer.LayerInput.Length == layer.Output.Length && before.SequenceEqual(after))
            {
                var line = layer.Site.Call.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                return $"{g.TorchName} on line {line}: {Dim.Format(layer.LayerInput)} → {Dim.Format(layer.Output)}";
            }
        }

        return null;
    }
}
