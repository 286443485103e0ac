using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV007: rewrites a tuple output_padding that TorchSharp 0.107 collapses into an exact form, for the input the
/// layer receives in its file's networks: <c>forward(x, output_size)</c> at its single direct call site, or equal
/// output_padding elements (with per-dimension padding) where that gives the intended sizes. Inside a Sequential, with
/// no exact form, there is no action: the message explains. The analyzer carries the edits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CollapsedOutputPaddingFixer))]
[Shared]
public sealed class CollapsedOutputPaddingFixer : CodeFixProvider
{
    public const string OutputSizeKey = "ConvAnalyzers.ExactOutputSize";
    public const string EqualElementsKey = "ConvAnalyzers.EqualOutputPadding";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.TupleOutputPaddingCollapses);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (CarriedEdits.Property(diagnostic, "result") is not { } result)
            {
                continue;
            }

            CarriedEdits.Register(context, diagnostic, LayerAnalyzer.OutputSizeAction, $"Call forward(x, output_size: {result}) → {result}", OutputSizeKey);
            CarriedEdits.Register(context, diagnostic, LayerAnalyzer.EqualElementsAction,
                $"Set padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "padding"))}, output_padding: {CarriedEdits.Format(CarriedEdits.Property(diagnostic, "output_padding"))} → {result}", EqualElementsKey);
        }

        return Task.CompletedTask;
    }
}
