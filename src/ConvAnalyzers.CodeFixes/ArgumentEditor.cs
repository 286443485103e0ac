using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// Sets layer arguments the way the user writes them: a named argument stays named and a positional one
/// positional, tuples stay tuples and arrays arrays, a scalar stays a scalar when the value is the same in every
/// dimension; an argument that names a constant is changed at the argument, and trivia is kept.
/// </summary>
internal static class ArgumentEditor
{
    /// <summary>PyTorch's parameter names (used by the analyzers) where TorchSharp's differ.</summary>
    private static readonly Dictionary<string, string> TorchSharpNames = new()
    {
        ["in_features"] = "inputSize",
        ["out_features"] = "outputSize",
    };

    public static string TorchSharpName(string parameter) => TorchSharpNames.TryGetValue(parameter, out var name) ? name : parameter;

    /// <summary>The document with the call's arguments set (unchanged when they cannot be written for its overload).</summary>
    public static async Task<Document> ApplyAsync(Document document, InvocationExpressionSyntax invocation, IReadOnlyList<(string Parameter, long[] Values)> edits, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation || root is null)
        {
            return document;
        }

        var edited = Edit(invocation, operation, edits);
        return edited is null ? document : document.WithSyntaxRoot(root.ReplaceNode(invocation, edited));
    }

    /// <summary>Null when a value cannot be written for the overload the call binds to (a per-dimension value for a scalar parameter).</summary>
    public static InvocationExpressionSyntax? Edit(InvocationExpressionSyntax invocation, IInvocationOperation operation, IReadOnlyList<(string Parameter, long[] Values)> edits)
    {
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        var added = new List<ArgumentSyntax>();
        foreach (var (parameterName, values) in edits)
        {
            var name = TorchSharpName(parameterName);
            var parameter = operation.TargetMethod.Parameters.FirstOrDefault(p => p.Name == name);
            if (parameter is null)
            {
                return null;
            }

            var existing = operation.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, parameter) && !a.IsImplicit)?.Syntax as ArgumentSyntax;
            var expression = Render(values, parameter.Type, existing?.Expression);
            if (expression is null)
            {
                return null;
            }

            if (existing is not null)
            {
                replacements[existing.Expression] = expression.WithTriviaFrom(existing.Expression);
            }
            else
            {
                added.Add(SyntaxFactory.Argument(SyntaxFactory.NameColon(name), default, expression));
            }
        }

        var edited = invocation.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
        return added.Count == 0 ? edited : edited.WithArgumentList(edited.ArgumentList.AddArguments(added.ToArray()));
    }

    private static ExpressionSyntax? Render(long[] values, ITypeSymbol type, ExpressionSyntax? existing)
    {
        var uniform = values.Distinct().Count() == 1;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: [var underlying] })
        {
            type = underlying;
        }

        string text;
        if (type.SpecialType == SpecialType.System_Int64)
        {
            if (!uniform)
            {
                return null;
            }

            text = Number(values[0]);
        }
        else if (type is IArrayTypeSymbol || existing is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax)
        {
            text = "new long[] { " + string.Join(", ", values.Select(Number)) + " }";
        }
        else if (type.IsTupleType)
        {
            text = "(" + string.Join(", ", values.Select(Number)) + ")";
        }
        else
        {
            return null;
        }

        return SyntaxFactory.ParseExpression(text);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
