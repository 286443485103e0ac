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

    public bool HasInputs(INamedTypeSymbol type) => Declared(type).Any();

    /// <summary>The concrete inputs (every size written as a number): what the mirror decoder generator can build from.</summary>
    public IEnumerable<TensorShape> Inputs(INamedTypeSymbol type) =>
        Declared(type).Where(d => d.IsConcrete).Select(d => new TensorShape(d.Written));

    /// <summary>
    /// Every <c>[InputShape]</c> of <paramref name="type"/> whose sizes are positive or <c>-1</c> (a free size at a
    /// spatial position, the symbolic batch at position 0, CONV002 at the channel), with the attribute it was written in.
    /// </summary>
    public IEnumerable<DeclaredInput> Declared(INamedTypeSymbol type) =>
        type.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _input))
            .Select(a => (Shape: Shape(a), Attribute: a))
            .Where(s => s.Shape is { Length: > 0 } && s.Shape.All(d => d > 0 || d == DeclaredInput.Free))
            .Select(s => new DeclaredInput(s.Shape!, s.Attribute.ApplicationSyntaxReference?.GetSyntax()));

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

/// <summary>
/// One <c>[InputShape]</c> as written. Positions follow the batched layout <c>[N, C, spatial…]</c> when a size is
/// <c>-1</c>: at position 0 it is the batch, read as the symbol <c>N</c>; at position 1 (the channels) it is invalid;
/// at a spatial position it is a free size, whose accepted values the analyzer computes (CONV011).
/// </summary>
internal sealed record DeclaredInput(long[] Written, SyntaxNode? Attribute)
{
    public const long Free = -1;

    public bool IsConcrete => Written.All(d => d > 0);

    /// <summary>The spatial positions written as <c>-1</c>.</summary>
    public IReadOnlyList<int> FreeDims => Enumerable.Range(2, System.Math.Max(0, Written.Length - 2)).Where(i => Written[i] == Free).ToList();

    /// <summary>The channel position written as <c>-1</c> (or a rank below 3 with a free size): CONV002 on the attribute.</summary>
    public bool HasFreeChannel => Written.Length >= 2 && Written[1] == Free || Written.Length < 3 && Written.Skip(1).Any(d => d == Free);

    /// <summary>The shape with the batch symbolic when written <c>-1</c> and every free size set to <paramref name="size"/>.</summary>
    public Arithmetic.Dim[] With(System.Func<int, long> size) =>
        Written.Select((d, i) => d > 0 ? Arithmetic.Dim.Of(d) : i == 0 ? Arithmetic.Dim.Named("N") : Arithmetic.Dim.Of(size(i))).ToArray();
}
