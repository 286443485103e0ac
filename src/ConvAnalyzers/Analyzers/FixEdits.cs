using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Interpretation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Analyzers;

/// <summary>One text change of a fix: replace <see cref="Span"/> of <see cref="Tree"/> with <see cref="Text"/> (an empty span inserts).</summary>
internal sealed record FixEdit(SyntaxTree Tree, TextSpan Span, string Text);

/// <summary>
/// The edits a fixable diagnostic carries in <see cref="Diagnostic.Properties"/> (DESIGN §3): computed where the facts
/// are (the interpreter's values and their origins), applied as text by the fixers. One action's edits are
/// <c>{action}edit.span</c> ("start,length") and <c>{action}edit.text</c>, then <c>.1</c>, <c>.2</c>, ... for more;
/// the primary action has the empty prefix.
/// </summary>
internal static class FixEdits
{
    public const string Span = "edit.span";
    public const string Text = "edit.text";

    public static ImmutableDictionary<string, string?> Write(ImmutableDictionary<string, string?> properties, string action, IReadOnlyList<FixEdit> edits)
    {
        for (var i = 0; i < edits.Count; i++)
        {
            var suffix = i == 0 ? string.Empty : "." + i.ToString(CultureInfo.InvariantCulture);
            properties = properties
                .SetItem(action + Span + suffix, edits[i].Span.Start.ToString(CultureInfo.InvariantCulture) + "," + edits[i].Span.Length.ToString(CultureInfo.InvariantCulture))
                .SetItem(action + Text + suffix, edits[i].Text);
        }

        return properties;
    }

    /// <summary>The edits of one action, or null when the diagnostic carries none (or they are malformed).</summary>
    public static IReadOnlyList<TextChange>? Read(ImmutableDictionary<string, string?> properties, string action)
    {
        var changes = new List<TextChange>();
        for (var i = 0; ; i++)
        {
            var suffix = i == 0 ? string.Empty : "." + i.ToString(CultureInfo.InvariantCulture);
            if (!properties.TryGetValue(action + Span + suffix, out var span) || span is null || !properties.TryGetValue(action + Text + suffix, out var text) || text is null)
            {
                break;
            }

            var parts = span.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) || start < 0 || length < 0)
            {
                return null;
            }

            changes.Add(new TextChange(new TextSpan(start, length), text));
        }

        return changes.Count > 0 ? changes : null;
    }

    /// <summary>True when two edit lists change the same places to the same text (so one fix serves both contexts).</summary>
    public static bool Same(IReadOnlyList<FixEdit>? a, IReadOnlyList<FixEdit>? b) =>
        a is not null && b is not null && a.Count == b.Count && a.Zip(b, (x, y) => x.Tree == y.Tree && x.Span == y.Span && x.Text == y.Text).All(s => s);

    /// <summary>
    /// The edits that give a layer's parameters new values: at the constant's origin when the value was passed in
    /// (a literal in <c>new Block(64, 128)</c> or a helper's call), else at the argument written in the call, else a
    /// named argument added to the call. Null when a value cannot be written (its origin is not a literal, the
    /// overload has no such parameter, a per-dimension value for a scalar parameter).
    /// </summary>
    public static List<FixEdit>? SetArguments(SemanticModel model, LayerSite site, IReadOnlyList<(string Parameter, long[] Values)> changes, CancellationToken cancellationToken, System.Func<string, bool>? passedIn = null)
    {
        passedIn ??= site.IsPassedIn;
        if (site.Call is not InvocationExpressionSyntax invocation || model.SyntaxTree != invocation.SyntaxTree
            || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
        {
            return null;
        }

        var edits = new List<FixEdit>();
        var inserted = new List<string>();
        foreach (var (parameterName, values) in changes)
        {
            var parameter = operation.TargetMethod.Parameters.FirstOrDefault(p => LayerTable.PyTorchName(operation.TargetMethod.Name, p.Name) == parameterName);
            if (parameter is null || values.Length == 0)
            {
                return null;
            }

            if (passedIn(parameterName))
            {
                var origin = site.Arguments[parameterName].Origin!;
                if (RenderLiteral(values, origin) is { } literal)
                {
                    edits.Add(new FixEdit(origin.SyntaxTree, origin.Span, literal));
                    continue;
                }

                // An expression such as hidden * 3: its one literal, solved so that the expression gives the value.
                if (values.Length == 1 && site.Arguments[parameterName].AsLong() is long current && SolveLiteral(origin, current, values[0]) is { } solved)
                {
                    edits.Add(solved);
                    continue;
                }

                return null;
            }

            var existing = operation.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, parameter) && !a.IsImplicit)?.Syntax as ArgumentSyntax;
            // An expression with one literal keeps its form (hidden * 3 → hidden * 4), else the argument is rewritten.
            if (existing is not null && values.Length == 1 && site.Arguments.TryGetValue(parameterName, out var argument) && argument.AsLong() is long value
                && SolveLiteral(existing.Expression, value, values[0]) is { } solvedHere)
            {
                edits.Add(solvedHere);
                continue;
            }

            if (Render(values, parameter.Type, existing?.Expression) is not { } text)
            {
                return null;
            }

            if (existing is not null)
            {
                edits.Add(new FixEdit(invocation.SyntaxTree, existing.Expression.Span, text));
            }
            else
            {
                inserted.Add(parameter.Name + ": " + text);
            }
        }

        if (inserted.Count > 0)
        {
            var close = invocation.ArgumentList.CloseParenToken;
            var prefix = invocation.ArgumentList.Arguments.Count > 0 ? ", " : string.Empty;
            edits.Add(new FixEdit(invocation.SyntaxTree, new TextSpan(close.SpanStart, 0), prefix + string.Join(", ", inserted)));
        }

        return edits;
    }

    /// <summary>
    /// For a layer held in a field and called once in its class (<c>up.forward(x)</c>): the edits to TorchSharp's exact
    /// <c>up.forward(x, new long[] { ... })</c> (the way around TorchSharp 0.107's collapse of a tuple output_padding),
    /// the field typed as the ConvTranspose module that declares that overload, and an explicit output_padding zeroed
    /// (forward(x, output_size) ignores it).
    /// </summary>
    public static List<FixEdit>? UseOutputSize(SemanticModel model, LayerSite site, int rank, IReadOnlyList<long> sizes, CancellationToken cancellationToken)
    {
        if (site.Call is not InvocationExpressionSyntax layer || model.SyntaxTree != layer.SyntaxTree
            || layer.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
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
        if (calls.Count != 1)
        {
            return null;
        }

        var edits = new List<FixEdit>();
        if (model.GetTypeInfo(field.Declaration.Type, cancellationToken).Type?.Name != $"ConvTranspose{rank}d")
        {
            edits.Add(new FixEdit(layer.SyntaxTree, field.Declaration.Type.Span, $"TorchSharp.Modules.ConvTranspose{rank}d"));
        }

        if (site.Arguments.TryGetValue("output_padding", out var outputPadding) && outputPadding.Origin is not null && !site.IsPassedIn("output_padding"))
        {
            if (SetArguments(model, site, [("output_padding", new long[rank])], cancellationToken) is not { } zeroed)
            {
                return null;
            }

            edits.AddRange(zeroed);
        }

        var call = calls[0];
        if (call.Expression is MemberAccessExpressionSyntax { Name: { Identifier.ValueText: "call" } name })
        {
            // The exact overload is forward's.
            edits.Add(new FixEdit(layer.SyntaxTree, name.Span, "forward"));
        }

        edits.Add(new FixEdit(layer.SyntaxTree, new TextSpan(call.ArgumentList.Arguments[0].Span.End, 0), ", new long[] { " + string.Join(", ", sizes.Select(Number)) + " }"));
        return edits.OrderBy(e => e.Span.Start).ToList();
    }

    /// <summary>A passed-in constant is rewritten only where it is a literal (a number, a tuple or an array of numbers).</summary>
    /// <summary>
    /// The edit of the integer literal of <c>x * k</c>, <c>k * x</c>, <c>x + k</c>, <c>k + x</c>, <c>x - k</c> or
    /// <c>k - x</c> (parentheses allowed) that makes the expression, now <paramref name="current"/>, give
    /// <paramref name="wanted"/>: the value of <c>x</c> follows from the current value and the literal, so the edit is
    /// exact for this context. Each context solves on its own and a shared edit is offered only when all give the same
    /// one (the callers' rule), so a literal whose new value depends on the context gets no edit. None when the
    /// division is not exact, the new literal is not positive, or the expression has any other form.
    /// </summary>
    private static FixEdit? SolveLiteral(SyntaxNode origin, long current, long wanted)
    {
        while (origin is ParenthesizedExpressionSyntax parenthesized)
        {
            origin = parenthesized.Expression;
        }

        if (origin is not BinaryExpressionSyntax binary
            || !(binary.Kind() is SyntaxKind.MultiplyExpression or SyntaxKind.AddExpression or SyntaxKind.SubtractExpression))
        {
            return null;
        }

        static long? Integer(ExpressionSyntax e) =>
            e is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression, Token.Value: int or long or uint or ulong } literal
                && System.Convert.ToDecimal(literal.Token.Value, CultureInfo.InvariantCulture) is var d && d <= long.MaxValue ? (long)d : null;

        var left = Integer(binary.Left);
        var right = Integer(binary.Right);
        if ((left is null) == (right is null))
        {
            // No literal, or two: which one to change is a guess.
            return null;
        }

        var literalOnLeft = left is not null;
        var k = left ?? right!.Value;
        var literalNode = literalOnLeft ? binary.Left : binary.Right;
        long? solved;
        try
        {
            checked
            {
                switch (binary.Kind())
                {
                    case SyntaxKind.MultiplyExpression:
                        if (k == 0 || current % k != 0)
                        {
                            return null;
                        }

                        var x = current / k;
                        solved = x != 0 && wanted % x == 0 ? wanted / x : null;
                        break;
                    case SyntaxKind.AddExpression:
                        solved = k + (wanted - current);
                        break;
                    default:
                        // x - k grows as k shrinks; k - x grows with k.
                        solved = literalOnLeft ? k + (wanted - current) : k - (wanted - current);
                        break;
                }
            }
        }
        catch (System.OverflowException)
        {
            return null;
        }

        return solved is long value && value > 0 && value != k
            ? new FixEdit(literalNode.SyntaxTree, literalNode.Span, value.ToString(CultureInfo.InvariantCulture))
            : null;
    }

    private static string? RenderLiteral(long[] values, SyntaxNode origin)
    {
        static bool IsNumber(SyntaxNode node) =>
            node is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression }
            || node is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } }
            || node is CastExpressionSyntax { Expression: var inner } && IsNumber(inner);

        switch (origin)
        {
            case TupleExpressionSyntax tuple when tuple.Arguments.Count == values.Length && tuple.Arguments.All(a => IsNumber(a.Expression)):
                return "(" + string.Join(", ", values.Select(Number)) + ")";
            case ArrayCreationExpressionSyntax { Initializer: { } init } when init.Expressions.Count == values.Length && init.Expressions.All(IsNumber):
            case ImplicitArrayCreationExpressionSyntax { Initializer: { } init2 } when init2.Expressions.Count == values.Length && init2.Expressions.All(IsNumber):
                return "new long[] { " + string.Join(", ", values.Select(Number)) + " }";
            case var node when IsNumber(node) && values.Distinct().Count() == 1:
                return Number(values[0]);
            default:
                return null;
        }
    }

    private static string? Render(long[] values, ITypeSymbol type, ExpressionSyntax? existing)
    {
        var uniform = values.Distinct().Count() == 1;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: [var underlying] })
        {
            type = underlying;
        }

        if (type.SpecialType == SpecialType.System_Int64)
        {
            return uniform ? Number(values[0]) : null;
        }

        if (type is IArrayTypeSymbol || existing is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax)
        {
            return "new long[] { " + string.Join(", ", values.Select(Number)) + " }";
        }

        return type.IsTupleType ? "(" + string.Join(", ", values.Select(Number)) + ")" : null;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
