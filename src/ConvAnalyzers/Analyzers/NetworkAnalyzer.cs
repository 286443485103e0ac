using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Extraction;
using ConvAnalyzers.Results;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Runs every network root on the interpreter and reports the shape at every layer (CONV000), why a layer has none
/// (CONV012), the layers that fail (CONV003, CONV004, CONV006), decoders that do not give their encoder's shape back
/// (CONV005, CONV008), joins that do not fit (CONV010) and outputs that differ from <c>[OutputShape]</c> (CONV009).
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
        DiagnosticDescriptors.JoinMismatch);

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
            start.RegisterSemanticModelAction(context =>
            {
                var tree = context.SemanticModel.SyntaxTree;
                // Code with syntax errors (typing in progress) is not followed: silence, not a guess.
                if (!CandidateInvocations.Mentions(tree.GetText(context.CancellationToken), RootWords)
                    || tree.GetDiagnostics(context.CancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    return;
                }

                // One library per file action: the interpreter's state is not shared between threads.
                var library = TorchLibrary.Create(context.SemanticModel.Compilation)!;
                var runs = new NetworkRuns(context.SemanticModel.Compilation, library, attributes, context.CancellationToken).RunsOf(tree, context.SemanticModel).ToList();
                foreach (var diagnostic in Diagnose(runs, attributes, library))
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

    /// <summary>A diagnostic before it is created: the files its facts came from decide where it is reported.</summary>
    private sealed record Finding(DiagnosticDescriptor Descriptor, Location Location, string Message, ImmutableDictionary<string, string?> Properties, IReadOnlyCollection<SyntaxTree> Origins, IReadOnlyList<Location>? Additional = null)
    {
        public Diagnostic Create(bool atCompilationEnd) =>
            Diagnostic.Create(atCompilationEnd ? DiagnosticDescriptors.AtCompilationEnd(Descriptor) : Descriptor, Location, Additional, Properties, Message);
    }

    private static IEnumerable<Finding> Diagnose(List<NetworkRuns.Run> runs, ShapeAttributes attributes, TorchLibrary library)
    {
        var origins = new HashSet<SyntaxTree>(runs.SelectMany(r => r.Origins));
        var layers = runs.SelectMany(r => r.Recorder.Layers).ToList();
        var findings = new List<Finding>();
        var failedSites = new HashSet<SyntaxNode>();

        // CONV000: one trace per layer call site, every context and input.
        foreach (var group in layers.Where(l => l.Output is not null).GroupBy(l => l.Site.Call))
        {
            var records = group.ToList();
            var contexts = records.Select(r => r.Context).Distinct().Count();
            var entries = records.Select(r => $"{r.Context}|{string.Join(",", r.LayerInput.Select(d => d.ToString()))}|{string.Join(",", r.Output!.Select(d => d.ToString()))}").Distinct().ToList();
            var traces = records.Select(r =>
                (contexts > 1 ? $"in {(r.Context.Length == 0 ? "the root" : r.Context)}: " : string.Empty)
                + $"{Dim.Format(r.LayerInput)} → {Dim.Format(r.Output!)}"
                + (r.Outcome is { Arithmetic.Count: > 0 } o ? " (" + string.Join("; ", o.Arithmetic) + ")" : string.Empty)).Distinct().ToList();
            findings.Add(new Finding(DiagnosticDescriptors.ShapeTrace, group.Key.GetLocation(), string.Join(" | ", traces),
                ImmutableDictionary<string, string?>.Empty.Add("shapes", string.Join(";", entries)), origins));
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

                var producers = group.Select(f => f.Record.Producer).Distinct().ToList();
                var receiving = first.Record.Site.Geometry;
                if (producers is [LayerSite producer] && receiving?.InChannels is long expected && producer.Geometry is { } pg
                    && (pg.Kind == LayerKind.Linear) == (parameter == "in_features"))
                {
                    properties = properties
                        .Add("producer_parameter", pg.Kind == LayerKind.Linear ? "out_features" : "out_channels")
                        .Add("expected", expected.ToString(CultureInfo.InvariantCulture));
                    additional.Add(producer.Call.GetLocation());
                }
            }

            var message = Join(group.Select(f => (Label(f.Record.Input, f.Record.Context, group.Select(g => g.Record.Context).Distinct().Count()), f.Violation.Message)));
            findings.Add(new Finding(descriptor, group.Key.Node.GetLocation(), message, properties, origins, additional));
        }

        // CONV005 and CONV008: the pairing stack.
        var pairs = runs.SelectMany(r => r.Recorder.Pairs).Where(p => p.Certain).ToList();
        foreach (var group in pairs.GroupBy(p => p.Decoder.Call))
        {
            var mismatches = group.Select(p => (Pair: p, Mismatch: MirrorPairing.Mismatch(p.Decoder.Geometry!, p.DecoderInput, p.DecoderOutput, p.Encoder.Encoder.Name, p.Encoder.Spatial)))
                .Where(m => m.Mismatch is not null).ToList();
            if (mismatches.Count > 0)
            {
                var fixes = mismatches.Select(m => m.Mismatch!.Fix).ToList();
                var properties = ImmutableDictionary<string, string?>.Empty.Add("layer", Span(group.Key));
                if (fixes.All(f => f is not null) && fixes.Select(f => f!.Key).Distinct().Count() == 1 && group.Select(p => p.Context).Distinct().Count() == 1)
                {
                    properties = properties
                        .Add("padding", string.Join(",", fixes[0]!.Padding))
                        .Add("output_padding", string.Join(",", fixes[0]!.OutputPadding))
                        .Add("result", string.Join(",", mismatches[0].Mismatch!.Target));
                }

                findings.Add(new Finding(DiagnosticDescriptors.DecoderMismatch, group.Key.GetLocation(),
                    Join(mismatches.Select(m => (Label(m.Pair.Input, m.Pair.Context, 1), m.Mismatch!.Message))), properties, origins));
            }

            foreach (var drop in group.Select(p => (p, Message: DropMessage(p))).Where(d => d.Message is not null).GroupBy(d => d.p.Encoder.Encoder.Call))
            {
                findings.Add(new Finding(DiagnosticDescriptors.EncoderDropsRows, drop.Key.GetLocation(), Join(drop.Select(d => (d.p.Input, d.Message!))),
                    ImmutableDictionary<string, string?>.Empty, origins));
            }
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
            findings.Add(new Finding(descriptor, group.Key.Syntax.GetLocation(), Join(group.Select(o => (o.Input, o.Message))), opProperties, origins));
        }

        // CONV012: reached, but no shape.
        foreach (var group in runs.SelectMany(r => r.Recorder.Unknowns).GroupBy(u => u.Site.Call))
        {
            var reasons = group.Select(u => u.Reason).Distinct().ToList();
            findings.Add(new Finding(DiagnosticDescriptors.ShapeUnknown, group.Key.GetLocation(), $"{group.First().Site.Name} has no known output shape: {string.Join("; ", reasons)}",
                ImmutableDictionary<string, string?>.Empty.Add("layer", Span(group.Key)), origins));
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
                    findings.Add(new Finding(DiagnosticDescriptors.OutputShapeMismatch, declared.Location, Join(messages.Distinct()), ImmutableDictionary<string, string?>.Empty, run.Origins));
                }
            }
        }

        _ = library;
        return findings;
    }

    private static string Span(SyntaxNode node) => $"{node.SpanStart}:{node.Span.Length}";

    private static string Label(string input, string context, int contexts) =>
        contexts > 1 ? $"{input} in {(context.Length == 0 ? "the root" : context)}" : input;

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
