using System.Collections.Generic;
using System.Linq;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Binding;

/// <summary>[InputShape] and [OutputShape] as the package's post-initialization output declares them.</summary>
internal sealed class ShapeAttributes
{
    private readonly INamedTypeSymbol? _input;
    private readonly INamedTypeSymbol? _output;
    private readonly INamedTypeSymbol? _mirrorOf;

    public static ShapeAttributes For(Compilation compilation) => new(
        compilation.GetTypeByMetadataName("ConvAnalyzers.InputShapeAttribute"),
        compilation.GetTypeByMetadataName("ConvAnalyzers.OutputShapeAttribute"),
        compilation.GetTypeByMetadataName("ConvAnalyzers.MirrorOfAttribute"));

    public ShapeAttributes(INamedTypeSymbol? input, INamedTypeSymbol? output, INamedTypeSymbol? mirrorOf)
    {
        _input = input;
        _output = output;
        _mirrorOf = mirrorOf;
    }

    public INamedTypeSymbol? MirrorOf(INamedTypeSymbol type) =>
        type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _mirrorOf)) is { ConstructorArguments: [{ Value: INamedTypeSymbol encoder }] }
            ? encoder
            : null;

    public bool HasInputs(INamedTypeSymbol type) => Inputs(type).Any();

    public IEnumerable<TensorShape> Inputs(INamedTypeSymbol type) =>
        type.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _input))
            .Select(a => Shape(a)).Where(s => s is { Length: > 0 } && s.All(d => d > 0)).Select(s => new TensorShape(s!));

    public (long[] Shape, Location Location)? Output(INamedTypeSymbol type)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _output));
        return attribute is not null && Shape(attribute) is { Length: > 0 } shape && attribute.ApplicationSyntaxReference is { } syntax
            ? (shape, syntax.GetSyntax().GetLocation())
            : null;
    }

    private static long[]? Shape(AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
        {
            return null;
        }

        var values = attribute.ConstructorArguments[0].Values;
        return values.All(v => v.Value is long) ? values.Select(v => (long)v.Value!).ToArray() : null;
    }
}
