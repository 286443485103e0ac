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
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ShapeTrace,
        DiagnosticDescriptors.InvalidHyperparameter,
        DiagnosticDescriptors.EmptyOutput,
        DiagnosticDescriptors.ChannelMismatch,
        DiagnosticDescriptors.DecoderMismatch,
        DiagnosticDescriptors.RankMismatch,
        DiagnosticDescriptors.EncoderDropsRows,
        DiagnosticDescriptors.OutputShapeMismatch,
        DiagnosticDescriptors.JoinMismatch);

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

            var attributes = new ShapeAttributes(
                start.Compilation.GetTypeByMetadataName("ConvAnalyzers.InputShapeAttribute"),
                start.Compilation.GetTypeByMetadataName("ConvAnalyzers.OutputShapeAttribute"));
            start.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    if (type.TypeKind != TypeKind.Class || !DerivesFrom(type, module) || !attributes.HasInputs(type))
                    {
                        return;
                    }

                    var state = new ModuleState(type);
                    symbolStart.RegisterOperationBlockAction(block => state.Collect(block));
                    symbolStart.RegisterSymbolEndAction(end => Analyze(end, state, symbols, attributes));
                },
                SymbolKind.NamedType);
        });
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

    private static void Analyze(SymbolAnalysisContext context, ModuleState state, TorchSharpSymbols symbols, ShapeAttributes attributes)
    {
        var (members, forward, body) = state.Snapshot();
        if (forward is null || body is null)
        {
            return;
        }

        var builder = new FlowBuilder(symbols, members, context.CancellationToken);
        var report = new PropagationReport();
        var outputs = new List<(TensorShape Input, TensorShape? Output, List<(LayerCall Call, TensorShape Output)> Trace)>();
        foreach (var input in attributes.Inputs(state.Type))
        {
            var label = ArithmeticText.Shape(input.Dims);
            var propagator = new ShapePropagator(report, label);
            var interpreter = new ForwardInterpreter(builder, propagator, symbols, context.CancellationToken);
            interpreter.Run(forward, body, TensorValue.Input(input));
            outputs.Add((input, interpreter.Output?.Shape, propagator.Trace));
        }

        ReportLayers(context, report);
        Report(context, report.Pairings, DiagnosticDescriptors.DecoderMismatch);
        Report(context, report.Drops, DiagnosticDescriptors.EncoderDropsRows);
        Report(context, report.Joins, DiagnosticDescriptors.JoinMismatch);
        ReportOutputShape(context, state.Type, attributes, outputs);
    }

    private static void ReportLayers(SymbolAnalysisContext context, PropagationReport report)
    {
        foreach (var entry in report.Layers)
        {
            var location = entry.Key;
            var results = entry.Value.Select(r => (r.Input, r.Result.LayerInput, r.Result.Outcome)).ToList();
            var traces = results.Where(r => r.Outcome.IsValid)
                .Select(r => $"{ArithmeticText.Shape(r.LayerInput.Dims)} → {ArithmeticText.Shape(r.Outcome.Output!.Dims)}" + (r.Outcome.Arithmetic.Count > 0 ? " (" + string.Join("; ", r.Outcome.Arithmetic) + ")" : string.Empty))
                .Distinct().ToList();
            if (traces.Count > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ShapeTrace, location, string.Join(" | ", traces)));
            }

            // Input-independent failures are the layer analyzer's (CONV001/CONV002 on the arguments): not repeated here.
            var failures = results.Where(r => !r.Outcome.IsValid)
                .SelectMany(r => r.Outcome.Violations.Where(v => v.Rule is not (Rule.OutputPaddingNotSmaller) && !IsInputIndependent(v)).Take(1).Select(v => (r.Input, Violation: v)));
            foreach (var group in failures.GroupBy(f => f.Violation.DiagnosticId))
            {
                var descriptor = group.Key switch
                {
                    RuleIdentifiers.EmptyOutput => DiagnosticDescriptors.EmptyOutput,
                    RuleIdentifiers.ChannelMismatch => DiagnosticDescriptors.ChannelMismatch,
                    RuleIdentifiers.RankMismatch => DiagnosticDescriptors.RankMismatch,
                    _ => DiagnosticDescriptors.InvalidHyperparameter,
                };
                context.ReportDiagnostic(Diagnostic.Create(descriptor, location, Join(group.Select(f => (f.Input, f.Violation.Message)))));
            }
        }
    }

    private static bool IsInputIndependent(Violation violation) =>
        RuleInfo.Of(violation.Rule).DiagnosticId == RuleIdentifiers.InvalidHyperparameter
        && violation.Rule is not (Rule.PaddingModeExceedsInput or Rule.OutputSizeOutOfRange or Rule.ArithmeticOverflow);

    private static void Report(SymbolAnalysisContext context, Dictionary<Location, List<(string Input, string Message)>> findings, DiagnosticDescriptor descriptor)
    {
        foreach (var entry in findings)
        {
            context.ReportDiagnostic(Diagnostic.Create(descriptor, entry.Key, Join(entry.Value)));
        }
    }

    /// <summary>One message naming every input: "for input [..]: …", inputs with the same finding named together.</summary>
    private static string Join(IEnumerable<(string Input, string Message)> findings)
    {
        var groups = findings.GroupBy(f => f.Message).ToList();
        return string.Join("; ", groups.Select(g => $"for input {string.Join(" and ", g.Select(f => f.Input).Distinct())}: {g.Key}"));
    }

    private static void ReportOutputShape(SymbolAnalysisContext context, INamedTypeSymbol type, ShapeAttributes attributes, List<(TensorShape Input, TensorShape? Output, List<(LayerCall Call, TensorShape Output)> Trace)> outputs)
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
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OutputShapeMismatch, declared.Location, Join(findings)));
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

    /// <summary>The values assigned to a module class's fields and its forward method, gathered from its operation blocks.</summary>
    private sealed class ModuleState
    {
        private readonly object _gate = new();
        private readonly Dictionary<ISymbol, IOperation?> _members = new(SymbolEqualityComparer.Default);
        private IMethodSymbol? _forward;
        private IOperation? _body;

        public ModuleState(INamedTypeSymbol type) => Type = type;

        public INamedTypeSymbol Type { get; }

        public void Collect(OperationBlockAnalysisContext context)
        {
            lock (_gate)
            {
                switch (context.OwningSymbol)
                {
                    case IFieldSymbol or IPropertySymbol:
                        foreach (var block in context.OperationBlocks)
                        {
                            if (block is ISymbolInitializerOperation initializer)
                            {
                                Assign(context.OwningSymbol, initializer.Value);
                            }
                        }

                        break;
                    case IMethodSymbol { MethodKind: MethodKind.Constructor }:
                        foreach (var assignment in context.OperationBlocks.SelectMany(b => b.DescendantsAndSelf()).OfType<ISimpleAssignmentOperation>())
                        {
                            var member = assignment.Target switch
                            {
                                IFieldReferenceOperation { Instance: IInstanceReferenceOperation or null } f => (ISymbol)f.Field,
                                IPropertyReferenceOperation { Instance: IInstanceReferenceOperation or null } p => p.Property,
                                _ => null,
                            };
                            if (member is not null && SymbolEqualityComparer.Default.Equals(member.ContainingType, Type))
                            {
                                Assign(member.OriginalDefinition, assignment.Value);
                            }
                        }

                        break;
                    case IMethodSymbol { Name: "forward", Parameters.Length: 1, IsOverride: true } forward when context.OperationBlocks.Length == 1:
                        _forward = forward;
                        _body = context.OperationBlocks[0];
                        break;
                }
            }
        }

        /// <summary>A member assigned twice (an initializer and a constructor, or two constructors) is unknown.</summary>
        private void Assign(ISymbol member, IOperation value) =>
            _members[member] = _members.ContainsKey(member) ? null : value;

        public (IReadOnlyDictionary<ISymbol, IOperation> Members, IMethodSymbol? Forward, IOperation? Body) Snapshot()
        {
            lock (_gate)
            {
                var members = _members.Where(m => m.Value is not null).ToDictionary(m => m.Key, m => m.Value!, SymbolEqualityComparer.Default);
                return (members, _forward, _body);
            }
        }
    }

    /// <summary>[InputShape] and [OutputShape] as the package's post-initialization output declares them.</summary>
    private sealed class ShapeAttributes
    {
        private readonly INamedTypeSymbol? _input;
        private readonly INamedTypeSymbol? _output;

        public ShapeAttributes(INamedTypeSymbol? input, INamedTypeSymbol? output)
        {
            _input = input;
            _output = output;
        }

        public bool HasInputs(INamedTypeSymbol type) => Inputs(type).Any();

        public IEnumerable<TensorShape> Inputs(INamedTypeSymbol type) =>
            type.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _input))
                .Select(a => Shape(a)).Where(s => s is { Length: > 0 } && s.All(d => d > 0)).Select(s => new TensorShape(s!));

        public (long[] Shape, Location Location)? Output(INamedTypeSymbol type)
        {
            var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _output));
            return attribute is not null && Shape(attribute) is { Length: > 0 } shape && attribute.ApplicationSyntaxReference is { } syntax
                ? (shape, syntax.GetSyntax().GetLocation())
                : null;
        }

        private static long[]? Shape(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return null;
            }

            var values = attribute.ConstructorArguments[0].Values;
            return values.All(v => v.Value is long) ? values.Select(v => (long)v.Value!).ToArray() : null;
        }
    }
}
