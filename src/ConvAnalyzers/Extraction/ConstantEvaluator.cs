using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Extraction;

/// <summary>
/// Evaluates what is known at compile time (DESIGN.md §3): literals, const locals and fields, static readonly
/// fields with constant initializers, locals assigned once from constants, arithmetic and ?: on those, casts,
/// tuples, array creations and default parameter values. Anything else is unknown (null): never a guess.
/// </summary>
internal static class ConstantEvaluator
{
    private const int MaxDepth = 16;

    public static ConstValue? Evaluate(IOperation? operation, CancellationToken cancellationToken) => Evaluate(operation, 0, cancellationToken);

    private static ConstValue? Evaluate(IOperation? operation, int depth, CancellationToken cancellationToken)
    {
        if (operation is null || depth > MaxDepth)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (operation.ConstantValue.HasValue)
        {
            return FromConstant(operation.ConstantValue.Value);
        }

        switch (operation)
        {
            case IConversionOperation conversion when conversion.OperatorMethod is null:
                return Convert(Evaluate(conversion.Operand, depth + 1, cancellationToken), conversion.Type);
            case IUnaryOperation unary when unary.OperatorMethod is null:
                return Unary(unary.OperatorKind, Evaluate(unary.Operand, depth + 1, cancellationToken));
            case IBinaryOperation binary when binary.OperatorMethod is null:
                return Binary(binary.OperatorKind, Evaluate(binary.LeftOperand, depth + 1, cancellationToken), Evaluate(binary.RightOperand, depth + 1, cancellationToken));
            case IConditionalOperation { WhenFalse: not null } conditional:
                var condition = Evaluate(conditional.Condition, depth + 1, cancellationToken);
                return condition is { Kind: ConstKind.Boolean }
                    ? Evaluate(condition.Boolean ? conditional.WhenTrue : conditional.WhenFalse, depth + 1, cancellationToken)
                    : null;
            case ITupleOperation tuple:
                return ConstValue.OfSequence(tuple.Elements.Select(e => Evaluate(e, depth + 1, cancellationToken)).ToImmutableArray());
            case IArrayCreationOperation { Initializer: not null } array:
                return ConstValue.OfSequence(array.Initializer.ElementValues.Select(e => Evaluate(e, depth + 1, cancellationToken)).ToImmutableArray());
            case ICollectionExpressionOperation collection when collection.Elements.All(e => e is not ISpreadOperation):
                return ConstValue.OfSequence(collection.Elements.Select(e => Evaluate(e, depth + 1, cancellationToken)).ToImmutableArray());
            case IDefaultValueOperation defaultValue:
                return defaultValue.Type is { IsReferenceType: true } or { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } ? ConstValue.Null : null;
            case ILocalReferenceOperation local:
                return EvaluateLocal(local, depth, cancellationToken);
            case IFieldReferenceOperation field:
                return EvaluateStaticReadonlyField(field, depth, cancellationToken);
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, depth + 1, cancellationToken);
            default:
                return null;
        }
    }

    private static ConstValue? FromConstant(object? value) => value switch
    {
        null => ConstValue.Null,
        bool b => ConstValue.OfBoolean(b),
        int i => ConstValue.OfInteger(i),
        long l => ConstValue.OfInteger(l),
        short s => ConstValue.OfInteger(s),
        byte b => ConstValue.OfInteger(b),
        sbyte b => ConstValue.OfInteger(b),
        ushort u => ConstValue.OfInteger(u),
        uint u => ConstValue.OfInteger(u),
        ulong u when u <= long.MaxValue => ConstValue.OfInteger((long)u),
        double d => ConstValue.OfReal(d),
        float f => ConstValue.OfReal(f),
        _ => null,
    };

    private static ConstValue? Convert(ConstValue? value, ITypeSymbol? target)
    {
        if (value is null || target is null)
        {
            return null;
        }

        if (target.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && target is INamedTypeSymbol { TypeArguments: [var underlying] })
        {
            return value.Kind == ConstKind.Null ? value : Convert(value, underlying);
        }

        var type = target.TypeKind == TypeKind.Enum && target is INamedTypeSymbol { EnumUnderlyingType: { } enumType } ? enumType : target;
        switch (type.SpecialType)
        {
            case SpecialType.System_Int64:
            case SpecialType.System_Int32:
            case SpecialType.System_Int16:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_UInt16:
            case SpecialType.System_UInt32:
                var integer = value.Kind switch
                {
                    ConstKind.Integer => value.Integer,
                    ConstKind.Real when value.Real is > -9.2e18 and < 9.2e18 => (long)value.Real,
                    _ => (long?)null,
                };
                return integer is long v && InRange(v, type.SpecialType) ? ConstValue.OfInteger(v) : null;
            case SpecialType.System_Double:
            case SpecialType.System_Single:
                return value.Kind switch
                {
                    ConstKind.Integer => ConstValue.OfReal(value.Integer),
                    ConstKind.Real => value,
                    _ => null,
                };
            case SpecialType.System_Boolean:
                return value.Kind == ConstKind.Boolean ? value : null;
            default:
                // Tuples and arrays keep their shape; element conversions were bound on the elements.
                return value.Kind is ConstKind.Sequence or ConstKind.Null ? value : null;
        }
    }

    private static bool InRange(long value, SpecialType type) => type switch
    {
        SpecialType.System_Int32 => value is >= int.MinValue and <= int.MaxValue,
        SpecialType.System_Int16 => value is >= short.MinValue and <= short.MaxValue,
        SpecialType.System_SByte => value is >= sbyte.MinValue and <= sbyte.MaxValue,
        SpecialType.System_Byte => value is >= byte.MinValue and <= byte.MaxValue,
        SpecialType.System_UInt16 => value is >= ushort.MinValue and <= ushort.MaxValue,
        SpecialType.System_UInt32 => value is >= uint.MinValue and <= uint.MaxValue,
        _ => true,
    };

    private static ConstValue? Unary(UnaryOperatorKind kind, ConstValue? operand)
    {
        if (operand is null)
        {
            return null;
        }

        return (kind, operand.Kind) switch
        {
            (UnaryOperatorKind.Plus, ConstKind.Integer or ConstKind.Real) => operand,
            (UnaryOperatorKind.Minus, ConstKind.Integer) => CheckedMath.Sub(0, operand.Integer) is long v ? ConstValue.OfInteger(v) : null,
            (UnaryOperatorKind.Minus, ConstKind.Real) => ConstValue.OfReal(-operand.Real),
            (UnaryOperatorKind.Not, ConstKind.Boolean) => ConstValue.OfBoolean(!operand.Boolean),
            _ => null,
        };
    }

    private static ConstValue? Binary(BinaryOperatorKind kind, ConstValue? left, ConstValue? right)
    {
        if (left is null || right is null)
        {
            return null;
        }

        if (left.Kind == ConstKind.Integer && right.Kind == ConstKind.Integer)
        {
            long a = left.Integer, b = right.Integer;
            long? result = kind switch
            {
                BinaryOperatorKind.Add => CheckedMath.Add(a, b),
                BinaryOperatorKind.Subtract => CheckedMath.Sub(a, b),
                BinaryOperatorKind.Multiply => CheckedMath.Mul(a, b),
                BinaryOperatorKind.Divide when b != 0 && !(a == long.MinValue && b == -1) => a / b,
                BinaryOperatorKind.Remainder when b != 0 && b != -1 => a % b,
                _ => null,
            };
            if (result is long r)
            {
                return ConstValue.OfInteger(r);
            }

            return Compare(kind, a.CompareTo(b));
        }

        if (left.Kind is ConstKind.Integer or ConstKind.Real && right.Kind is ConstKind.Integer or ConstKind.Real)
        {
            double a = left.Real, b = right.Real;
            double? result = kind switch
            {
                BinaryOperatorKind.Add => a + b,
                BinaryOperatorKind.Subtract => a - b,
                BinaryOperatorKind.Multiply => a * b,
                BinaryOperatorKind.Divide => a / b,
                _ => null,
            };
            return result is double r ? ConstValue.OfReal(r) : Compare(kind, a.CompareTo(b));
        }

        if (left.Kind == ConstKind.Boolean && right.Kind == ConstKind.Boolean)
        {
            return kind switch
            {
                BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And => ConstValue.OfBoolean(left.Boolean && right.Boolean),
                BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or => ConstValue.OfBoolean(left.Boolean || right.Boolean),
                BinaryOperatorKind.Equals => ConstValue.OfBoolean(left.Boolean == right.Boolean),
                BinaryOperatorKind.NotEquals => ConstValue.OfBoolean(left.Boolean != right.Boolean),
                _ => null,
            };
        }

        return null;
    }

    private static ConstValue? Compare(BinaryOperatorKind kind, int comparison) => kind switch
    {
        BinaryOperatorKind.Equals => ConstValue.OfBoolean(comparison == 0),
        BinaryOperatorKind.NotEquals => ConstValue.OfBoolean(comparison != 0),
        BinaryOperatorKind.LessThan => ConstValue.OfBoolean(comparison < 0),
        BinaryOperatorKind.LessThanOrEqual => ConstValue.OfBoolean(comparison <= 0),
        BinaryOperatorKind.GreaterThan => ConstValue.OfBoolean(comparison > 0),
        BinaryOperatorKind.GreaterThanOrEqual => ConstValue.OfBoolean(comparison >= 0),
        _ => null,
    };

    /// <summary>A local assigned exactly once, in its declaration, from something known.</summary>
    private static ConstValue? EvaluateLocal(ILocalReferenceOperation reference, int depth, CancellationToken cancellationToken)
    {
        var local = reference.Local;
        var model = reference.SemanticModel;
        if (model is null || local.IsRef || local.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        if (local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator
            || declarator.SyntaxTree != model.SyntaxTree
            || IsWrittenAfterDeclaration(local, declarator, model, cancellationToken))
        {
            return null;
        }

        return Evaluate(model.GetOperation(initializer, cancellationToken), depth + 1, cancellationToken);
    }

    private static bool IsWrittenAfterDeclaration(ILocalSymbol local, VariableDeclaratorSyntax declarator, SemanticModel model, CancellationToken cancellationToken)
    {
        var scope = declarator.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax or LocalFunctionStatementSyntax or CompilationUnitSyntax);
        if (scope is null)
        {
            return true;
        }

        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != local.Name || !IsWriteSite(identifier))
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWriteSite(IdentifierNameSyntax identifier) => identifier.Parent switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left == identifier,
        PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
        ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) || IsDeconstructionTarget(argument.Parent as TupleExpressionSyntax),
        RefExpressionSyntax => true,
        _ => false,
    };

    /// <summary>True for the tuple on the left of <c>(a, b) = ...</c>, nested tuples included.</summary>
    private static bool IsDeconstructionTarget(TupleExpressionSyntax? tuple)
    {
        SyntaxNode? node = tuple;
        while (node is TupleExpressionSyntax { Parent: ArgumentSyntax { Parent: TupleExpressionSyntax outer } })
        {
            node = outer;
        }

        return node is TupleExpressionSyntax && node.Parent is AssignmentExpressionSyntax assignment && assignment.Left == node;
    }

    /// <summary>A static readonly field whose initializer (in the same file) is known and which no code assigns.</summary>
    private static ConstValue? EvaluateStaticReadonlyField(IFieldReferenceOperation reference, int depth, CancellationToken cancellationToken)
    {
        var field = reference.Field;
        var model = reference.SemanticModel;
        if (!field.IsStatic || !field.IsReadOnly || model is null || field.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        if (field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator
            || declarator.SyntaxTree != model.SyntaxTree
            || HasStaticConstructor(field.ContainingType))
        {
            return null;
        }

        return Evaluate(model.GetOperation(initializer, cancellationToken), depth + 1, cancellationToken);
    }

    private static bool HasStaticConstructor(INamedTypeSymbol type) => type.StaticConstructors.Any(c => !c.IsImplicitlyDeclared);
}
