using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV001: output_padding too large. When one exists, a legal (padding, output_padding) pair that keeps the same
/// output size for every input (output_padding − 2·padding unchanged, so both go down); otherwise the largest legal
/// output_padding, with the size change stated in the title. The analyzer carries the values and the edit.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputPaddingFixer))]
[Shared]
public sealed class OutputPaddingFixer : CodeFixProvider
{
    public const string SameSizeKey = "ConvAnalyzers.LegalPaddingSameSize";
    public const string LargestLegalKey = "ConvAnalyzers.LargestLegalOutputPadding";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.OutputPaddingNotSmaller);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var outputPadding = CarriedEdits.Format(CarriedEdits.Property(diagnostic, "output_padding"));
            switch (CarriedEdits.Property(diagnostic, "fix"))
            {
                case LayerAnalyzer.SameSizeFix:
                    CarriedEdits.Register(context, diagnostic, string.Empty,
                        $"Set padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "padding"))}, output_padding: {outputPadding} (same output size)", SameSizeKey);
                    break;
                case LayerAnalyzer.LargestLegalFix:
                    CarriedEdits.Register(context, diagnostic, string.Empty,
                        $"Set output_padding: {outputPadding} (the output gets {CarriedEdits.Property(diagnostic, "smaller")} smaller)", LargestLegalKey);
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
