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
/// CONV007: rewrites a tuple output_padding that TorchSharp 0.107 collapses into an exact form, for the input the
/// layer receives in its file's networks: <c>forward(x, output_size)</c> at its single direct call site, or equal
/// output_padding elements (with per-dimension padding) where that gives the intended sizes. Last, for any input,
/// the output_padding written as forward(x) already applies it: nothing the program computes changes, the tuple that
/// claims otherwise goes (the shapes the code asked for are then the message's to tell). The analyzer carries the edits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CollapsedOutputPaddingFixer))]
[Shared]
public sealed class CollapsedOutputPaddingFixer : CarriedEditFixer
{
    public const string OutputSizeKey = "ConvAnalyzers.ExactOutputSize";
    public const string EqualElementsKey = "ConvAnalyzers.EqualOutputPadding";
    public const string AsRunKey = "ConvAnalyzers.OutputPaddingAsRun";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.TupleOutputPaddingCollapses);

    internal override DiagnosticAnalyzer CreateAnalyzer() => new LayerAnalyzer();

    protected override IEnumerable<CarriedFix> Offers(Diagnostic diagnostic)
    {
        if (CarriedEdits.Property(diagnostic, "result") is { } result)
        {
            yield return new CarriedFix(LayerAnalyzer.OutputSizeAction, $"Call forward(x, output_size: {result}) → {result}", OutputSizeKey);
            yield return new CarriedFix(LayerAnalyzer.EqualElementsAction,
                $"Set padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "padding"))}, output_padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "output_padding"))} → {result}", EqualElementsKey);
        }

        if (CarriedEdits.Property(diagnostic, "collapsed") is { } collapsed)
        {
            yield return new CarriedFix(LayerAnalyzer.CollapsedAction, $"Write output_padding: {CarriedEdits.Format(collapsed)}, what forward(x) runs (the shapes stay as they are)", AsRunKey);
        }
    }
}
