using ConvAnalyzers.Arithmetic;
using Xunit;

namespace ConvAnalyzers.Tests.Arithmetic;

public sealed class ArithmeticTextTests
{
    [Fact]
    public void Transposed_formula_renders_like_the_design_example()
    {
        Assert.Equal("(12−1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 24", ArithmeticText.ConvTranspose(12, 3, 2, 1, 1, 1, 24));
        Assert.Equal("(12−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 23", ArithmeticText.ConvTranspose(12, 3, 2, 1, 1, 0, 23));
    }

    [Fact]
    public void Conv_formula_shows_the_floor()
    {
        Assert.Equal("⌊(24 + 2·1 − 1·(3−1) − 1) / 2⌋ + 1 = 12", ArithmeticText.Conv(24, 3, 2, 1, 1, 12));
    }

    [Fact]
    public void Negative_numbers_are_parenthesised()
    {
        Assert.Equal("(−2)", ArithmeticText.N(-2));
        Assert.Equal("(1, 0)", ArithmeticText.Tuple([1, 0]));
        Assert.Equal("1", ArithmeticText.Tuple([1]));
    }

    [Fact]
    public void Shape_arithmetic_is_attached_to_every_valid_outcome()
    {
        var layer = LayerGeometry.ConvTranspose(3, 128, 256, [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1]);
        var outcome = ShapeAlgebra.Forward(layer, new(2, 128, 12, 16, 12));
        Assert.Equal("(12−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 23", outcome.Arithmetic[0]);
        Assert.Equal("(16−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 31", outcome.Arithmetic[1]);
    }
}
