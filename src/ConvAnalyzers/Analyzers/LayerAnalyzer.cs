using System.Collections.Immutable;
using System.Linq;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Extraction;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Reports what TorchSharp or libtorch will reject about a single conv-family layer, whatever its input:
/// CONV001 (output_padding), CONV002 (invalid hyperparameters) and CONV007 (a tuple output_padding that
/// TorchSharp 0.107 collapses).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LayerAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.OutputPaddingNotSmaller,
        DiagnosticDescriptors.InvalidHyperparameter,
        DiagnosticDescriptors.TupleOutputPaddingCollapses);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = TorchSharpSymbols.Create(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            // One walk of each file's syntax; operations only for calls named like a factory (docs/PERFORMANCE.md).
            start.RegisterSemanticModelAction(context =>
            {
                foreach (var invocation in CandidateInvocations.Find(context.SemanticModel, context.FilterSpan, TorchSharpSymbols.FactoryWords,
                    static i => TorchSharpSymbols.IsFactoryName(CandidateInvocations.CalledName(i)), context.CancellationToken))
                {
                    AnalyzeInvocation(context.ReportDiagnostic, invocation, symbols, context.CancellationToken);
                }
            });
        });
    }

    private static void AnalyzeInvocation(System.Action<Diagnostic> report, IInvocationOperation invocation, TorchSharpSymbols symbols, System.Threading.CancellationToken cancellationToken)
    {
        var call = LayerCall.TryCreate(invocation, symbols, cancellationToken);
        if (call is null)
        {
            return;
        }

        // What TorchSharp's forward(x) raises, and what the code asks for per dimension: report both, once each.
        var violations = ShapeAlgebra.Validate(call.Geometry, OutputPaddingSemantics.TorchSharpForward)
            .Concat(ShapeAlgebra.Validate(call.Geometry, OutputPaddingSemantics.PerDimension))
            .GroupBy(v => (v.Rule, v.Parameter, v.Dimension))
            .Select(g => g.First());

        foreach (var group in violations.GroupBy(v => (v.DiagnosticId, v.Parameter)))
        {
            var descriptor = group.Key.DiagnosticId switch
            {
                RuleIdentifiers.OutputPaddingNotSmaller => DiagnosticDescriptors.OutputPaddingNotSmaller,
                RuleIdentifiers.InvalidHyperparameter => DiagnosticDescriptors.InvalidHyperparameter,
                _ => null,
            };
            if (descriptor is not null)
            {
                var message = MergeMessages(group.ToList(), call.Geometry.SpatialRank);
                report(Diagnostic.Create(descriptor, call.LocationOf(group.Key.Parameter), message));
            }
        }

        ReportCollapse(report, call);
    }

    /// <summary>One message per argument: dimensions failing the same way are named once ("… in H; the same in W").</summary>
    private static string MergeMessages(System.Collections.Generic.List<Violation> violations, int rank)
    {
        var first = violations[0];
        var sameElsewhere = new System.Collections.Generic.List<string>();
        var different = new System.Collections.Generic.List<string>();
        foreach (var other in violations.Skip(1))
        {
            if (first.Dimension is int d && other.Dimension is int o && other.Rule == first.Rule
                && other.Message.Replace(" " + ArithmeticText.DimensionName(o, rank) + " ", " " + ArithmeticText.DimensionName(d, rank) + " ") == first.Message)
            {
                sameElsewhere.Add(ArithmeticText.DimensionName(o, rank));
            }
            else if (other.Message != first.Message)
            {
                different.Add(other.Message);
            }
        }

        var message = first.Message + (sameElsewhere.Count > 0 ? " (the same in " + string.Join(" and ", sameElsewhere) + ")" : string.Empty);
        return different.Count > 0 ? message + "; " + string.Join("; ", different) : message;
    }

    private static void ReportCollapse(System.Action<Diagnostic> report, LayerCall call)
    {
        var g = call.Geometry;
        if (g.Kind != LayerKind.ConvTranspose || !call.OutputPaddingIsTuple || g.OutputPadding.KnownValues is not { } written || written.Distinct().Count() < 2)
        {
            return;
        }

        // When both the written and the collapsed output_padding break a rule, the layer fails either way and
        // CONV001/CONV002 already say why; the collapse changes nothing the user could observe.
        if (ShapeAlgebra.Validate(g, OutputPaddingSemantics.PerDimension).Count > 0 && ShapeAlgebra.Validate(g, OutputPaddingSemantics.TorchSharpForward).Count > 0)
        {
            return;
        }

        var collapsed = Enumerable.Repeat(written[0], written.Length);
        var message = $"TorchSharp 0.107 {g.TorchName}.forward(x) applies output_padding[0] = {written[0]} to every dimension: the code asks for output_padding {ArithmeticText.Tuple(written)}, "
            + $"but forward(x) uses {ArithmeticText.Tuple(collapsed)}. Call forward(x, output_size) with the spatial sizes for an exact result, or use equal elements where they give the same sizes.";
        report(Diagnostic.Create(DiagnosticDescriptors.TupleOutputPaddingCollapses, call.LocationOf("output_padding"), message));
    }
}
