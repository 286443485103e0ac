using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Extraction;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// "Solve for output shape": on a Conv or ConvTranspose whose input shape is known (its module's [InputShape]),
/// offers the padding / output_padding that give the common targets — the same size, twice it, half it — one
/// action per legal choice, titled with the result. The question that started this project, answered in the editor.
/// </summary>
[ExportCodeRefactoringProvider(LanguageNames.CSharp, Name = nameof(SolveForOutputShapeRefactoring))]
[Shared]
public sealed class SolveForOutputShapeRefactoring : CodeRefactoringProvider
{
    private const int MaxActions = 6;

    public override async Task ComputeRefactoringsAsync(CodeRefactoringContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (FixTarget.Invocation(root, context.Span) is not { } invocation
            || model is null || TorchSharpSymbols.Create(model.Compilation) is not { } symbols
            || FixTarget.Layer(model, invocation, symbols, context.CancellationToken) is not { Geometry: { Kind: LayerKind.Conv or LayerKind.ConvTranspose } g }
            || model.GetEnclosingSymbol(invocation.SpanStart, context.CancellationToken)?.ContainingType is not { } type)
        {
            return;
        }

        var (inputs, mirror) = KnownInputs.Run(model.Compilation, symbols, type, invocation, context.CancellationToken);
        if (inputs.FirstOrDefault() is not { } input)
        {
            return;
        }

        var spatial = input.Spatial(g.SpatialRank);
        var targets = g.Kind == LayerKind.ConvTranspose
            ? new List<(string, long[])> { ("same size", spatial), ("×2", spatial.Select(i => i * 2).ToArray()) }
            : new List<(string, long[])> { ("same size", spatial), ("÷2", spatial.Select(i => i / 2).ToArray()) };
        if (mirror is var (mirrored, encoderName))
        {
            // The mirrored encoder input first: what a decoder layer is for (it replaces a target with the same sizes).
            targets.RemoveAll(t => t.Item2.SequenceEqual(mirrored));
            targets.Insert(0, ($"what {encoderName} received", mirrored));
        }
        var count = 0;
        foreach (var (name, target) in targets)
        {
            if (target.Any(t => t < 1))
            {
                continue;
            }

            foreach (var edits in Solutions(g, spatial, target))
            {
                if (count++ >= MaxActions)
                {
                    return;
                }

                var title = $"Solve for output {ArithmeticText.Sizes(target)} ({name}): " + string.Join(", ", edits.Select(e => $"{e.Parameter}: {DecoderMismatchFixer.Format(e.Values)}"));
                context.RegisterRefactoring(CodeAction.Create(title, ct => ArgumentEditor.ApplyAsync(document, invocation, edits, ct), title));
            }
        }
    }

    /// <summary>The legal paddings (and output_paddings) that give <paramref name="target"/> in every dimension, the same values for all.</summary>
    private static IEnumerable<List<(string Parameter, long[] Values)>> Solutions(LayerGeometry g, long[] input, long[] target)
    {
        if (g.Kernel.KnownValues is not { } k || g.Stride.KnownValues is not { } s || g.Dilation.KnownValues is not { } d || g.PaddingMode != PaddingMode.Zeros)
        {
            yield break;
        }

        var rank = g.SpatialRank;
        if (g.Kind == LayerKind.ConvTranspose)
        {
            var common = Enumerable.Range(0, rank).Select(i => OutputPaddingSolver.Solve(input[i], target[i], k[i], s[i], d[i])).Aggregate((a, b) => a.Intersect(b).ToList());
            foreach (var pair in common)
            {
                yield return new List<(string, long[])> { ("padding", Enumerable.Repeat(pair.Padding, rank).ToArray()), ("output_padding", Enumerable.Repeat(pair.OutputPadding, rank).ToArray()) };
            }
        }
        else
        {
            var common = Enumerable.Range(0, rank).Select(i => OutputPaddingSolver.SolveConvPadding(input[i], target[i], k[i], s[i], d[i])).Aggregate((a, b) => a.Intersect(b).ToList());
            foreach (var padding in common.Take(2))
            {
                yield return new List<(string, long[])> { ("padding", Enumerable.Repeat(padding, rank).ToArray()) };
            }
        }
    }
}
