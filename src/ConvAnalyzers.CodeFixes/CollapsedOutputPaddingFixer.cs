using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Extraction;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV007: rewrites a tuple output_padding that TorchSharp 0.107 collapses into an exact form, for the input the
/// layer receives ([InputShape] of its module): <c>forward(x, output_size)</c> at its single direct call site, or
/// equal output_padding elements (with per-dimension padding) where that gives the intended sizes. Inside a
/// Sequential, with no exact form, there is no action: the message explains.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CollapsedOutputPaddingFixer))]
[Shared]
public sealed class CollapsedOutputPaddingFixer : CodeFixProvider
{
    public const string OutputSizeKey = "ConvAnalyzers.ExactOutputSize";
    public const string EqualElementsKey = "ConvAnalyzers.EqualOutputPadding";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.TupleOutputPaddingCollapses);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || TorchSharpSymbols.Create(model.Compilation) is not { } symbols)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (FixTarget.Invocation(root, diagnostic.Location.SourceSpan) is not { } invocation
                || FixTarget.Layer(model, invocation, symbols, context.CancellationToken) is not { Geometry: { Kind: LayerKind.ConvTranspose } g }
                || model.GetEnclosingSymbol(invocation.SpanStart, context.CancellationToken)?.ContainingType is not { } type)
            {
                continue;
            }

            var inputs = KnownInputs.Of(model.Compilation, symbols, type, invocation, context.CancellationToken);
            if (inputs.Count != 1)
            {
                continue;
            }

            var spatial = inputs[0].Spatial(g.SpatialRank);
            if (ShapeAlgebra.ForwardSpatial(g, spatial, OutputPaddingSemantics.PerDimension).Sizes is not { } intended)
            {
                continue;
            }

            var sizes = ArithmeticText.Sizes(intended);
            if (DirectCallSite.Find(model, invocation, context.CancellationToken) is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Call forward(x, output_size: {sizes}) → {sizes}", ct => DirectCallSite.UseOutputSizeAsync(context.Document, invocation, g.SpatialRank, intended, ct), OutputSizeKey),
                    diagnostic);
            }

            if (EqualElements(g, spatial, intended) is { } equal)
            {
                var title = $"Set padding: {DecoderMismatchFixer.Format(equal.Padding)}, output_padding: {DecoderMismatchFixer.Format(equal.OutputPadding)} → {sizes}";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => ArgumentEditor.ApplyAsync(context.Document, invocation, new[] { ("padding", equal.Padding), ("output_padding", equal.OutputPadding) }, ct), EqualElementsKey),
                    diagnostic);
            }
        }
    }

    /// <summary>One output_padding for every dimension (padding per dimension) that gives the intended sizes, if any.</summary>
    private static TransposedFix? EqualElements(LayerGeometry g, long[] input, long[] intended)
    {
        if (g.Kernel.KnownValues is not { } k || g.Stride.KnownValues is not { } s || g.Dilation.KnownValues is not { } d)
        {
            return null;
        }

        var solutions = Enumerable.Range(0, g.SpatialRank).Select(i => OutputPaddingSolver.Solve(input[i], intended[i], k[i], s[i], d[i])).ToList();
        foreach (var op in solutions[0].Select(p => p.OutputPadding).Distinct().OrderBy(o => o))
        {
            var paddings = solutions.Select(list => list.Where(p => p.OutputPadding == op).Select(p => (long?)p.Padding).FirstOrDefault()).ToList();
            if (paddings.All(p => p is not null))
            {
                return new TransposedFix(paddings.Select(p => p!.Value).ToArray(), Enumerable.Repeat(op, g.SpatialRank).ToArray());
            }
        }

        return null;
    }
}
