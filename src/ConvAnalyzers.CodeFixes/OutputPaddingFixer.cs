using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV001: output_padding too large. When one exists, a legal (padding, output_padding) pair that keeps the same
/// output size for every input (output_padding − 2·padding unchanged, so both go down); otherwise the largest legal
/// output_padding, with the size change stated in the title. The analyzer carries the values and the edit.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputPaddingFixer))]
[Shared]
public sealed class OutputPaddingFixer : CarriedEditFixer
{
    public const string SameSizeKey = "ConvAnalyzers.LegalPaddingSameSize";
    public const string LargestLegalKey = "ConvAnalyzers.LargestLegalOutputPadding";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.OutputPaddingNotSmaller);

    internal override DiagnosticAnalyzer CreateAnalyzer() => new LayerAnalyzer();

    protected override IEnumerable<CarriedFix> Offers(Diagnostic diagnostic)
    {
        var outputPadding = CarriedEdits.Format(CarriedEdits.Property(diagnostic, "output_padding"));
        switch (CarriedEdits.Property(diagnostic, "fix"))
        {
            case LayerAnalyzer.SameSizeFix:
                yield return new CarriedFix(string.Empty, $"Set padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "padding"))}, output_padding: {outputPadding} (same output size)", SameSizeKey);
                break;
            case LayerAnalyzer.LargestLegalFix:
                yield return new CarriedFix(string.Empty, $"Set output_padding: {outputPadding} (the output gets {CarriedEdits.Property(diagnostic, "smaller")} smaller)", LargestLegalKey);
                break;
        }
    }
}
