using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConvAnalyzers.Arithmetic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// For a ConvTranspose held in a field and called once in its class (<c>up.forward(x)</c>), rewrites the call to
/// TorchSharp's exact <c>up.forward(x, new long[] { ... })</c> — the way around TorchSharp 0.107 collapsing a tuple
/// output_padding — and types the field as the ConvTranspose module, which declares that overload.
/// </summary>
internal static class DirectCallSite
{
    /// <summary>The single <c>field.forward(x)</c>/<c>field.call(x)</c> of the field the layer is assigned to, when there is exactly one.</summary>
    public static (FieldDeclarationSyntax Field, InvocationExpressionSyntax Call)? Find(SemanticModel model, InvocationExpressionSyntax layer, CancellationToken cancellationToken)
    {
        if (layer.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            || declarator.Parent?.Parent is not FieldDeclarationSyntax field
            || model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol symbol
            || field.Parent is not TypeDeclarationSyntax type)
        {
            return null;
        }

        var calls = type.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "forward" or "call" } access
                && i.ArgumentList.Arguments.Count == 1
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(access.Expression, cancellationToken).Symbol, symbol))
            .ToList();
        return calls.Count == 1 ? (field, calls[0]) : null;
    }

    public static async Task<Document> UseOutputSizeAsync(Document document, InvocationExpressionSyntax layer, int rank, long[] sizes, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (model is null || root is null || Find(model, layer, cancellationToken) is not var (field, call))
        {
            return document;
        }

        // forward(x, output_size) ignores the layer's output_padding: an explicit one is set to zeros, so that nothing
        // suggests it still matters (and CONV007 has nothing left to say).
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        if (model.GetOperation(layer, cancellationToken) is Microsoft.CodeAnalysis.Operations.IInvocationOperation operation
            && operation.Arguments.Any(a => a.Parameter?.Name == "output_padding" && !a.IsImplicit)
            && ArgumentEditor.Edit(layer, operation, new[] { ("output_padding", new long[rank]) }) is { } zeroed)
        {
            replacements[layer] = zeroed;
        }

        var receiver = ((MemberAccessExpressionSyntax)call.Expression).Expression;
        var exact = SyntaxFactory.ParseExpression($"{receiver}.forward({call.ArgumentList.Arguments[0]}, new long[] {{ {string.Join(", ", sizes)} }})").WithTriviaFrom(call);
        var moduleType = SyntaxFactory.ParseTypeName($"TorchSharp.Modules.ConvTranspose{rank}d").WithTriviaFrom(field.Declaration.Type);
        replacements[call] = exact;
        if (model.GetTypeInfo(field.Declaration.Type, cancellationToken).Type?.Name != $"ConvTranspose{rank}d")
        {
            replacements[field.Declaration.Type] = moduleType;
        }

        return document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
    }
}
