using System.Collections.Generic;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Arithmetic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// "Use input size 256": on an <c>[InputShape]</c> whose sizes fail (the failure's message names the nearest accepted
/// sizes, DESIGN §4 "Free sizes"), one action per accepted neighbour that sets the failing sizes to it. A refactoring,
/// not a fix of the failure: changing the input is a choice about the data, and <c>dotnet format analyzers</c> never
/// applies it on top of a fix of the network.
/// </summary>
[ExportCodeRefactoringProvider(LanguageNames.CSharp, Name = nameof(UseAcceptedInputSizeRefactoring))]
[Shared]
public sealed class UseAcceptedInputSizeRefactoring : CodeRefactoringProvider
{
    public override async Task ComputeRefactoringsAsync(CodeRefactoringContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<AttributeSyntax>() is not { ArgumentList: { } arguments } attribute
            || model is null || !attribute.Name.ToString().EndsWith("InputShape", System.StringComparison.Ordinal))
        {
            return;
        }

        var nearest = LayerFacts.RunsOf(model.Compilation, model, context.CancellationToken)
            .SelectMany(r => r.Recorder.Nearest.Values)
            .FirstOrDefault(n => n.Attribute.SyntaxTree == attribute.SyntaxTree && n.Attribute.Span == attribute.Span);
        if (nearest is null || nearest.Neighbours.Any(n => n.Position >= arguments.Arguments.Count))
        {
            return;
        }

        var rank = arguments.Arguments.Count - 2;
        foreach (var side in new[] { false, true })
        {
            var changes = nearest.Neighbours.Select(n => (n.Position, Size: side ? n.Above : n.Below)).Where(n => n.Size is not null).ToList();
            if (changes.Count != nearest.Neighbours.Count)
            {
                continue;
            }

            var sizes = changes.Select(c => c.Size!.Value).Distinct().ToList();
            var title = sizes.Count == 1 && changes.Count == rank
                ? $"Use input size {N(sizes[0])}"
                : "Use input size " + string.Join(", ", changes.Select(c => $"{ArithmeticText.DimensionName(c.Position - 2, rank)} {N(c.Size!.Value)}"));
            var edits = changes.Select(c => new TextChange(arguments.Arguments[c.Position].Expression.Span, N(c.Size!.Value))).ToList();
            context.RegisterRefactoring(CodeAction.Create(title, ct => CarriedEdits.ApplyAsync(document, edits, ct), title));
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
