using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace ConvAnalyzers.LibTorchTests;

/// <summary>The questions users ask, answered by real TorchSharp and by the arithmetic, which must agree.</summary>
public sealed class NamedCasesTests
{
    public NamedCasesTests() => LibTorch.EnsureLoaded();

    private static long[] Run(nn.Module<Tensor, Tensor> layer, params long[] input)
    {
        using var scope = torch.NewDisposeScope();
        using var x = torch.zeros(input);
        return layer.call(x).shape;
    }

    private static long[] Predict(LayerGeometry layer, long[] input, OutputPaddingSemantics semantics = OutputPaddingSemantics.TorchSharpForward, long[]? outputSize = null)
    {
        var outcome = ShapeAlgebra.Forward(layer, new TensorShape(input), semantics, outputSize);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Violations.Select(v => v.Message)));
        return outcome.Output!.Dims.ToArray();
    }

    [Theory]
    [InlineData(1L, 1L, 24L, 32L, 24L)]
    [InlineData(0L, 0L, 25L, 33L, 25L)]
    [InlineData(1L, 0L, 23L, 31L, 23L)]
    public void Seed_ConvTranspose3d_on_2x128x12x16x12(long padding, long outputPadding, long d, long h, long w)
    {
        var input = new long[] { 2, 128, 12, 16, 12 };
        using var layer = nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: padding, output_padding: outputPadding);
        var expected = new long[] { 2, 256, d, h, w };
        Assert.Equal(expected, Run(layer, input));
        var geometry = LayerGeometry.ConvTranspose(3, 128, 256, [3, 3, 3], stride: [2, 2, 2], padding: [padding, padding, padding], outputPadding: [outputPadding, outputPadding, outputPadding]);
        Assert.Equal(expected, Predict(geometry, input));
    }

    [Theory]
    [InlineData(4L)]
    [InlineData(3L)]
    public void Conv2d_k3_s2_maps_4x4_and_3x3_to_1x1(long size)
    {
        using var conv = nn.Conv2d(1, 1, 3, stride: 2);
        Assert.Equal(new long[] { 1, 1, 1, 1 }, Run(conv, 1, 1, size, size));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, Predict(LayerGeometry.Conv(2, 1, 1, [3, 3], stride: [2, 2]), [1, 1, size, size]));
    }

    [Theory]
    [InlineData(0L, 3L)]
    [InlineData(1L, 4L)]
    public void ConvTranspose2d_k3_s2_maps_1x1_back_to_3x3_or_4x4(long outputPadding, long size)
    {
        using var layer = nn.ConvTranspose2d(1, 1, 3, stride: 2, output_padding: outputPadding);
        Assert.Equal(new long[] { 1, 1, size, size }, Run(layer, 1, 1, 1, 1));
        Assert.Equal(new long[] { 1, 1, size, size }, Predict(LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [2, 2], outputPadding: [outputPadding, outputPadding]), [1, 1, 1, 1]));
    }

    [Theory]
    [InlineData(2L, 2L, 1L, 2L, false)]
    [InlineData(2L, 1L, 1L, 1L, false)]
    [InlineData(3L, 1L, 2L, 1L, true)]
    public void Output_padding_rule(long kernel, long stride, long dilation, long outputPadding, bool legal)
    {
        var geometry = LayerGeometry.ConvTranspose(2, 1, 1, [kernel, kernel], stride: [stride, stride], outputPadding: [outputPadding, outputPadding], dilation: [dilation, dilation]);
        var predictedLegal = ShapeAlgebra.Validate(geometry).Count == 0;
        Assert.Equal(legal, predictedLegal);

        using var layer = nn.ConvTranspose2d(1, 1, kernel, stride: stride, output_padding: outputPadding, dilation: dilation);
        if (legal)
        {
            Run(layer, 1, 1, 5, 5);
        }
        else
        {
            var error = Assert.ThrowsAny<Exception>(() => Run(layer, 1, 1, 5, 5));
            Assert.Contains("output padding must be smaller than either stride or dilation", error.Message);
        }
    }

    [Fact]
    public void Tuple_output_padding_collapse_and_the_exact_forward_with_output_size()
    {
        var input = new long[] { 1, 1, 5, 5 };
        var geometry = LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 0]);
        using var layer = nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), output_padding: (1, 0));

        // TorchSharp 0.107 forward(x) uses output_padding[0] for every dimension: 10×10, not the intended 10×9.
        Assert.Equal(new long[] { 1, 1, 10, 10 }, Run(layer, input));
        Assert.Equal(new long[] { 1, 1, 10, 10 }, Predict(geometry, input));
        Assert.Equal(new long[] { 1, 1, 10, 9 }, Predict(geometry, input, OutputPaddingSemantics.PerDimension));

        using var scope = torch.NewDisposeScope();
        using var x = torch.zeros(input);
        Assert.Equal(new long[] { 1, 1, 10, 9 }, layer.forward(x, new long[] { 10, 9 }).shape);
        Assert.Equal(new long[] { 1, 1, 10, 9 }, Predict(geometry, input, outputSize: [10, 9]));
    }

    [Fact]
    public void Collapse_raises_an_error_the_code_never_asked_for()
    {
        var geometry = LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [3, 2], outputPadding: [2, 0]);
        Assert.Empty(ShapeAlgebra.Validate(geometry, OutputPaddingSemantics.PerDimension));
        Assert.True(Assert.Single(ShapeAlgebra.Validate(geometry)).CausedByCollapse);

        using var layer = nn.ConvTranspose2d(1, 1, (3, 3), stride: (3, 2), output_padding: (2, 0));
        var error = Assert.ThrowsAny<Exception>(() => Run(layer, 1, 1, 5, 5));
        Assert.Contains("output padding must be smaller than either stride or dilation", error.Message);
    }

    [Fact]
    public void MaxPool_padding_limit_ignores_dilation()
    {
        Assert.Equal(Rule.PoolPaddingTooLarge, Assert.Single(ShapeAlgebra.Validate(LayerGeometry.Pool(LayerKind.MaxPool, 2, [3, 1], padding: [2, 0], dilation: [2, 1]))).Rule);
        using var pool = nn.MaxPool2d((3, 1), padding: (2, 0), dilation: (2, 1));
        var error = Assert.ThrowsAny<Exception>(() => Run(pool, 1, 1, 9, 9));
        Assert.Contains("pad should be smaller than or equal to half of kernel size", error.Message);
    }

    [Fact]
    public void AdaptiveMaxPool3d_is_broken_in_TorchSharp_0_107()
    {
        Assert.Equal(Rule.BrokenInTorchSharp, Assert.Single(ShapeAlgebra.Validate(LayerGeometry.Adaptive(LayerKind.AdaptiveMaxPool, [2, 2, 2]))).Rule);
        using var pool = nn.AdaptiveMaxPool3d(new long[] { 2, 2, 2 });
        Assert.Throws<NullReferenceException>(() => Run(pool, 1, 1, 4, 4, 4));
    }
}
