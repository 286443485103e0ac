using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
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
/// CONV001: output_padding too large. When one exists, a legal (padding, output_padding) pair that keeps the same
/// output size for every input (output_padding − 2·padding unchanged, so both go down); otherwise the largest legal output_padding,
/// with the size change stated in the title.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputPaddingFixer))]
[Shared]
public sealed class OutputPaddingFixer : CodeFixProvider
{
    public const string SameSizeKey = "ConvAnalyzers.LegalPaddingSameSize";
    public const string LargestLegalKey = "ConvAnalyzers.LargestLegalOutputPadding";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.OutputPaddingNotSmaller);

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
                || g.Padding.KnownValues is not { } padding || g.OutputPadding.KnownValues is not { } outputPadding
                || g.Stride.KnownValues is not { } stride || g.Dilation.KnownValues is not { } dilation)
            {
                continue;
            }

            // Written per dimension: a value TorchSharp's forward(x) collapses is CONV007's business, not this fix's.
            if (!Enumerable.Range(0, g.SpatialRank).Any(d => outputPadding[d] >= stride[d] && outputPadding[d] >= dilation[d]))
            {
                continue;
            }

            var newPadding = (long[])padding.Clone();
            var newOutputPadding = (long[])outputPadding.Clone();
            var sameSize = true;
            for (var d = 0; d < g.SpatialRank; d++)
            {
                var limit = System.Math.Max(stride[d], dilation[d]);
                if (outputPadding[d] < limit)
                {
                    continue;
                }

                // (i−1)s − 2p + d(k−1) + op + 1 stays the same while op − 2p does: lower p by q and op by 2q.
                var excess = outputPadding[d] - (limit - 1);
                var lower = (excess + 1) / 2;
                var op = outputPadding[d] - (2 * lower);
                if (op >= 0 && op < limit && padding[d] >= lower)
                {
                    newPadding[d] = padding[d] - lower;
                    newOutputPadding[d] = op;
                }
                else
                {
                    sameSize = false;
                }
            }

            if (sameSize && newOutputPadding.Distinct().Count() == 1 && newPadding.Distinct().Count() == 1)
            {
                var title = $"Set padding: {DecoderMismatchFixer.Format(newPadding)}, output_padding: {DecoderMismatchFixer.Format(newOutputPadding)} (same output size)";
                context.RegisterCodeFix(CodeAction.Create(title, ct => ArgumentEditor.ApplyAsync(context.Document, invocation, new[] { ("padding", newPadding), ("output_padding", newOutputPadding) }, ct), SameSizeKey), diagnostic);
                continue;
            }

            var largest = Enumerable.Range(0, g.SpatialRank).Select(d => System.Math.Min(outputPadding[d], System.Math.Max(stride[d], dilation[d]) - 1)).ToArray();
            if (largest.Distinct().Count() == 1)
            {
                var smaller = outputPadding.Zip(largest, (a, b) => a - b).Max();
                var title = $"Set output_padding: {largest[0]} (the output gets {smaller} smaller)";
                context.RegisterCodeFix(CodeAction.Create(title, ct => ArgumentEditor.ApplyAsync(context.Document, invocation, new[] { ("output_padding", largest) }, ct), LargestLegalKey), diagnostic);
            }
        }
    }
}
