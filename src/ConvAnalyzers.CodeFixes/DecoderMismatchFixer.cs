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
/// CONV005: makes the decoder ConvTranspose return the shape its encoder layer received — output_padding only when that
/// suffices, else padding and output_padding together, or, where the output_padding differs per dimension,
/// <c>forward(x, output_size)</c> at the layer's single call site. The analyzer carries the edit.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DecoderMismatchFixer))]
[Shared]
public sealed class DecoderMismatchFixer : CarriedEditFixer
{
    public const string EquivalenceKey = "ConvAnalyzers.MirrorEncoder";
    public const string OutputSizeKey = "ConvAnalyzers.MirrorEncoderWithOutputSize";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.DecoderMismatch);

    internal override DiagnosticAnalyzer CreateAnalyzer() => new NetworkAnalyzer();

    protected override IEnumerable<CarriedFix> Offers(Diagnostic diagnostic)
    {
        var result = CarriedEdits.Property(diagnostic, "result");
        var arrow = result is null ? string.Empty : " → " + result;
        var outputPadding = CarriedEdits.Format(CarriedEdits.Property(diagnostic, "output_padding"));
        var title = CarriedEdits.Property(diagnostic, "padding_changes") == "true"
            ? $"Set padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "padding"))}, output_padding: {outputPadding}{arrow}"
            : $"Set output_padding: {outputPadding}{arrow}";
        yield return new CarriedFix(string.Empty, title, EquivalenceKey);
        yield return new CarriedFix(NetworkAnalyzer.OutputSizeAction, $"Call forward(x, output_size: {result}){arrow}", OutputSizeKey);
    }
}
