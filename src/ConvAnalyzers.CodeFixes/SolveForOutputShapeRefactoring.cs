using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// "Solve for output shape": on a Conv or ConvTranspose whose input shape is known (the networks of its file run on the
/// interpreter give it),
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
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation
            || model is null || CandidateInvocations.CalledName(invocation) is not { } name || !LayerTable.Factories.ContainsKey(name)
            || LayerFacts.Of(model.Compilation, model, invocation, context.CancellationToken) is not { Site.Geometry: { Kind: LayerKind.Conv or LayerKind.ConvTranspose } g } facts
            || facts.Inputs.FirstOrDefault() is not { } spatial)
        {
            return;
        }

        var targets = g.Kind == LayerKind.ConvTranspose
            ? new List<(string, long[])> { ("same size", spatial), ("×2", spatial.Select(i => i * 2).ToArray()) }
            : new List<(string, long[])> { ("same size", spatial), ("÷2", spatial.Select(i => i / 2).ToArray()) };
        if (facts.Mirror is var (mirrored, encoderName))
        {
            // The mirrored encoder input first: what a decoder layer is for (it replaces a target with the same sizes).
            targets.RemoveAll(t => t.Item2.SequenceEqual(mirrored));
            targets.Insert(0, ($"what {encoderName} received", mirrored));
        }

        var count = 0;
        foreach (var (targetName, target) in targets)
        {
            if (target.Any(t => t < 1))
            {
                continue;
            }

            foreach (var changes in Solutions(g, spatial, target))
            {
                if (FixEdits.SetArguments(model, facts.Site, changes, context.CancellationToken) is not { } edits || edits.Any(e => e.Tree != model.SyntaxTree))
                {
                    continue;
                }

                if (count++ >= MaxActions)
                {
                    return;
                }

                var title = $"Solve for output {ArithmeticText.Sizes(target)} ({targetName}): " + string.Join(", ", changes.Select(e => $"{e.Parameter}: {CarriedEdits.Format(string.Join(",", e.Values))}"));
                var textChanges = edits.Select(e => new TextChange(e.Span, e.Text)).ToList();
                context.RegisterRefactoring(CodeAction.Create(title, ct => CarriedEdits.ApplyAsync(document, textChanges, ct), title));
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
