using System.Collections.Generic;
using System.Composition;
using System.Globalization;
using System.Linq;
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
/// "Use input size 256": on an <c>[InputShape]</c> (or the tensor factory call of an input passed to forward) whose sizes fail (the failure's message names the nearest accepted
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
        var node = root?.FindNode(context.Span, getInnermostNodeForTie: true);
        var sizes = node?.FirstAncestorOrSelf<AttributeSyntax>() is { ArgumentList: { } arguments } attribute && attribute.Name.ToString().EndsWith("InputShape", System.StringComparison.Ordinal)
            ? (Site: (SyntaxNode)attribute, Sizes: arguments.Arguments.Select(a => a.Expression).ToList())
            : node?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } factory && FactorySizes(factory) is { } written
                ? (Site: factory, Sizes: written)
                : default;
        if (sizes.Site is null || model is null)
        {
            return;
        }

        var nearest = LayerFacts.RunsOf(model.Compilation, model, context.CancellationToken)
            .SelectMany(r => r.Recorder.Nearest.Values)
            .FirstOrDefault(n => n.Site.SyntaxTree == sizes.Site.SyntaxTree && n.Site.Span == sizes.Site.Span);
        if (nearest is null || nearest.Neighbours.Any(n => n.Position >= sizes.Sizes.Count))
        {
            return;
        }

        var rank = sizes.Sizes.Count - 2;
        foreach (var side in new[] { false, true })
        {
            var changes = nearest.Neighbours.Select(n => (n.Position, Size: side ? n.Above : n.Below)).Where(n => n.Size is not null).ToList();
            if (changes.Count != nearest.Neighbours.Count)
            {
                continue;
            }

            var values = changes.Select(c => c.Size!.Value).Distinct().ToList();
            var title = values.Count == 1 && changes.Count == rank
                ? $"Use input size {N(values[0])}"
                : "Use input size " + string.Join(", ", changes.Select(c => $"{ArithmeticText.DimensionName(c.Position - 2, rank)} {N(c.Size!.Value)}"));
            var edits = changes.Select(c => new TextChange(sizes.Sizes[c.Position].Span, N(c.Size!.Value))).ToList();
            context.RegisterRefactoring(CodeAction.Create(title, ct => CarriedEdits.ApplyAsync(document, edits, ct), title));
        }
    }

    /// <summary>
    /// The sizes of a tensor factory call as written: the elements of one array or collection argument
    /// (<c>torch.randn(new long[] { 1, 3, 250, 250 })</c>), or its leading size arguments (<c>torch.zeros(1, 3, 250, 250)</c>).
    /// </summary>
    private static List<ExpressionSyntax>? FactorySizes(InvocationExpressionSyntax factory)
    {
        var name = CandidateInvocations.CalledName(factory);
        if (name is not ("randn" or "rand" or "zeros" or "ones" or "empty" or "full" or "randint"))
        {
            return null;
        }

        var positional = factory.ArgumentList.Arguments.Where(a => a.NameColon is null).Select(a => a.Expression).ToList();
        return positional.FirstOrDefault() switch
        {
            ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions.ToList(),
            ImplicitArrayCreationExpressionSyntax { Initializer: var initializer } => initializer.Expressions.ToList(),
            CollectionExpressionSyntax collection => collection.Elements.OfType<ExpressionElementSyntax>().Select(e => e.Expression).ToList(),
            // The scalar-size overloads; full's last argument is its value, not a size.
            LiteralExpressionSyntax when name is not ("full" or "randint") => positional.TakeWhile(e => e is LiteralExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.NumericLiteralExpression }).ToList(),
            _ => null,
        };
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
