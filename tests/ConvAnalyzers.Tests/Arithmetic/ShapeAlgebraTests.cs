using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Model;
using Xunit;

namespace ConvAnalyzers.Tests.Arithmetic;

/// <summary>The cases users ask about, by name; the same ones run in real TorchSharp in LibTorchTests.</summary>
public sealed class ShapeAlgebraTests
{
    private static readonly TensorShape SeedInput = new(2, 128, 12, 16, 12);

    private static long[] Output(LayerGeometry layer, TensorShape input, OutputPaddingSemantics semantics = OutputPaddingSemantics.TorchSharpForward)
    {
        var outcome = ShapeAlgebra.Forward(layer, input, semantics);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Violations.Select(v => v.Message)));
        return outcome.Output!.Dims.ToArray();
    }

    [Fact]
    public void Seed_decoder_with_padding_1_and_output_padding_1_doubles_every_size()
    {
        var layer = LayerGeometry.ConvTranspose(3, 128, 256, [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1], outputPadding: [1, 1, 1]);
        Assert.Equal(new long[] { 2, 256, 24, 32, 24 }, Output(layer, SeedInput));
    }

    [Fact]
    public void Seed_decoder_without_padding_overshoots_by_one()
    {
        var layer = LayerGeometry.ConvTranspose(3, 128, 256, [3, 3, 3], stride: [2, 2, 2]);
        Assert.Equal(new long[] { 2, 256, 25, 33, 25 }, Output(layer, SeedInput));
    }

    [Fact]
    public void Seed_decoder_with_padding_only_falls_short_by_one()
    {
        var layer = LayerGeometry.ConvTranspose(3, 128, 256, [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1]);
        Assert.Equal(new long[] { 2, 256, 23, 31, 23 }, Output(layer, SeedInput));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(3)]
    public void Conv_k3_s2_maps_4_and_3_to_1(long size)
    {
        var conv = LayerGeometry.Conv(2, 1, 1, [3, 3], stride: [2, 2]);
        Assert.Equal(new long[] { 1, 1, 1, 1 }, Output(conv, new TensorShape(1, 1, size, size)));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 4)]
    public void Transposed_k3_s2_maps_1_to_3_or_4_by_output_padding(long outputPadding, long expected)
    {
        var layer = LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [2, 2], outputPadding: [outputPadding, outputPadding]);
        Assert.Equal(new long[] { 1, 1, expected, expected }, Output(layer, new TensorShape(1, 1, 1, 1)));
    }

    [Theory]
    [InlineData(2, 2, 1, 2, false)]
    [InlineData(2, 1, 1, 1, false)]
    [InlineData(3, 1, 2, 1, true)]
    [InlineData(3, 2, 1, 1, true)]
    public void Output_padding_must_be_smaller_than_either_stride_or_dilation(long kernel, long stride, long dilation, long outputPadding, bool legal)
    {
        var layer = LayerGeometry.ConvTranspose(2, 1, 1, [kernel, kernel], stride: [stride, stride], dilation: [dilation, dilation], outputPadding: [outputPadding, outputPadding]);
        var violations = ShapeAlgebra.Validate(layer);
        Assert.Equal(legal, violations.All(v => v.Rule != Rule.OutputPaddingNotSmaller));
        if (!legal)
        {
            Assert.Contains("output padding must be smaller than either stride or dilation", violations[0].Message);
        }
    }

    [Fact]
    public void Tuple_output_padding_collapses_to_its_first_element_in_TorchSharp_forward()
    {
        var layer = LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 0]);
        var input = new TensorShape(1, 1, 5, 5);
        Assert.Equal(new long[] { 1, 1, 10, 10 }, Output(layer, input, OutputPaddingSemantics.TorchSharpForward));
        Assert.Equal(new long[] { 1, 1, 10, 9 }, Output(layer, input, OutputPaddingSemantics.PerDimension));

        var exact = ShapeAlgebra.Forward(layer, input, requestedOutputSize: [10, 9]);
        Assert.Equal(new long[] { 1, 1, 10, 9 }, exact.Output!.Dims.ToArray());
    }

    [Fact]
    public void Collapse_can_raise_an_error_the_code_never_asked_for()
    {
        var layer = LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [3, 2], outputPadding: [2, 0]);
        Assert.Empty(ShapeAlgebra.Validate(layer, OutputPaddingSemantics.PerDimension));
        var violation = Assert.Single(ShapeAlgebra.Validate(layer, OutputPaddingSemantics.TorchSharpForward));
        Assert.Equal(Rule.OutputPaddingNotSmaller, violation.Rule);
        Assert.True(violation.CausedByCollapse);
        Assert.Equal(1, violation.Dimension);
        Assert.Contains("applies output_padding[0] = 2 to every dimension", violation.Message);
    }

    [Fact]
    public void Conv_output_below_one_is_reported_with_floor_division()
    {
        // (5 − 1·(6−1) − 1) / 2: C#'s truncating division gives 0, so 0 + 1 = 1 would look valid; libtorch floors to
        // −1, and the padded input 5 is smaller than the kernel 6.
        var conv = LayerGeometry.Conv(1, 1, 1, [6], stride: [2]);
        var outcome = ShapeAlgebra.Forward(conv, new TensorShape(1, 1, 5));
        var violation = Assert.Single(outcome.Violations);
        Assert.Equal(Rule.OutputTooSmall, violation.Rule);
        Assert.Contains("Kernel size can't be greater than actual input size", violation.Message);
    }

    [Fact]
    public void Empty_transposed_output_is_a_bug_even_if_libtorch_returns_an_empty_tensor()
    {
        var layer = LayerGeometry.ConvTranspose(1, 1, 1, [1], padding: [1]);
        var violation = Assert.Single(ShapeAlgebra.Forward(layer, new TensorShape(1, 1, 2)).Violations);
        Assert.Equal(Rule.OutputTooSmall, violation.Rule);
        Assert.True(violation.MayReturnEmpty);
        Assert.Equal("CONV003", violation.DiagnosticId);
    }

    [Fact]
    public void Max_pool_padding_limit_uses_the_kernel_not_the_dilated_kernel()
    {
        var pool = LayerGeometry.Pool(LayerKind.MaxPool, 2, [3, 1], padding: [2, 0], dilation: [2, 1]);
        var violation = Assert.Single(ShapeAlgebra.Validate(pool));
        Assert.Equal(Rule.PoolPaddingTooLarge, violation.Rule);
        Assert.Contains("2 > ⌊3/2⌋ = 1", violation.Message);
    }

    [Theory]
    [InlineData(5, 2, 2, 0, true, 3)]
    [InlineData(5, 2, 2, 1, true, 3)]
    [InlineData(6, 3, 3, 1, true, 3)]
    [InlineData(5, 2, 2, 0, false, 2)]
    public void Pool_ceil_mode_drops_a_window_that_starts_beyond_the_input(long input, long kernel, long stride, long padding, bool ceil, long expected)
    {
        var pool = LayerGeometry.Pool(LayerKind.MaxPool, 1, [kernel], stride: [stride], padding: [padding], ceilMode: ceil);
        Assert.Equal(new long[] { 1, 1, expected }, Output(pool, new TensorShape(1, 1, input)));
    }

    [Fact]
    public void Same_padding_keeps_the_size_and_refuses_strides()
    {
        var same = LayerGeometry.Conv(2, 1, 1, [4, 3], dilation: [3, 1], paddingKind: PaddingKind.Same);
        Assert.Equal(new long[] { 1, 1, 7, 9 }, Output(same, new TensorShape(1, 1, 7, 9)));

        var strided = same with { Stride = PerDim<long>.Known(1, 2) };
        Assert.Equal(Rule.SamePaddingStrided, Assert.Single(ShapeAlgebra.Validate(strided)).Rule);
    }

    [Fact]
    public void Channel_and_rank_mismatches_use_TorchSharp_wording()
    {
        var conv = LayerGeometry.Conv(2, 32, 64, [3, 3]);
        var channels = Assert.Single(ShapeAlgebra.Forward(conv, new TensorShape(1, 16, 8, 8)).Violations);
        Assert.Equal(Rule.ChannelMismatch, channels.Rule);
        Assert.StartsWith("Expected 3D (unbatched) or 4D (batched) input with 32 channels to Conv2d.", channels.Message.Replace(", but", ". but"));

        var rank = Assert.Single(ShapeAlgebra.Forward(conv, new TensorShape(1, 32, 8, 8, 8)).Violations);
        Assert.Equal("CONV006", rank.DiagnosticId);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(-1)]
    [InlineData(0)]
    public void Absurd_values_give_a_clear_result_never_an_exception(long value)
    {
        var layers = new[]
        {
            LayerGeometry.ConvTranspose(1, 1, 1, [value], stride: [value], padding: [value], outputPadding: [value], dilation: [value]),
            LayerGeometry.ConvTranspose(1, 1, 1, [3], stride: [value]),
            LayerGeometry.ConvTranspose(1, 1, 1, [value], stride: [2]),
            LayerGeometry.Conv(1, value, value, [value], stride: [value], padding: [value], dilation: [value], groups: value),
            LayerGeometry.Conv(1, 1, 1, [3], dilation: [value]),
            LayerGeometry.Pool(LayerKind.MaxPool, 1, [value], stride: [value], padding: [value], dilation: [value], ceilMode: true),
            LayerGeometry.Pool(LayerKind.AvgPool, 1, [3], stride: [value], ceilMode: true),
            LayerGeometry.Unpool(1, [value], stride: [value], padding: [value]),
            LayerGeometry.Adaptive(LayerKind.AdaptiveAvgPool, [value]),
            LayerGeometry.Upsample(size: [value]),
            LayerGeometry.Upsample(scaleFactor: [value]),
        };
        foreach (var layer in layers)
        {
            foreach (var input in new[] { new TensorShape(1, 1, 5), new TensorShape(1, 1, long.MaxValue), new TensorShape(1, 1, value) })
            {
                var outcome = ShapeAlgebra.Forward(layer, input);
                Assert.True(outcome.IsValid || outcome.Violations.Count > 0 || !outcome.IsKnown);
                Assert.All(outcome.Violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Message)));
            }
        }
    }

    [Fact]
    public void Overflowing_sizes_are_reported_as_overflow()
    {
        var layer = LayerGeometry.ConvTranspose(1, 1, 1, [3], stride: [long.MaxValue / 2]);
        var violation = Assert.Single(ShapeAlgebra.Forward(layer, new TensorShape(1, 1, 5)).Violations);
        Assert.Equal(Rule.ArithmeticOverflow, violation.Rule);
        Assert.Contains("overflows a 64-bit integer", violation.Message);
    }

    [Fact]
    public void Rule_table_is_indexed_by_rule()
    {
        foreach (var rule in Enum.GetValues<Rule>())
        {
            Assert.Equal(rule, RuleInfo.Of(rule).Rule);
            Assert.Matches("^CONV0(0[1-9]|10)$", RuleInfo.Of(rule).DiagnosticId);
        }
    }

    [Fact]
    public void Flatten_then_Linear_checks_features_as_the_product_of_the_flattened_dims()
    {
        var flat = ShapeAlgebra.Forward(LayerGeometry.Flatten(), new TensorShape(64, 32, 7, 7));
        Assert.Equal(new long[] { 64, 1568 }, flat.Output!.Dims.ToArray());
        Assert.Contains("32·7·7 = 1568", flat.Arithmetic[0]);

        var mismatch = Assert.Single(ShapeAlgebra.Forward(LayerGeometry.Linear(1600, 10), flat.Output).Violations);
        Assert.Equal("CONV004", mismatch.DiagnosticId);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied", mismatch.Message);
    }

    [Fact]
    public void Unflatten_infers_one_unknown_size()
    {
        var outcome = ShapeAlgebra.Forward(LayerGeometry.Unflatten(1, [32, -1, 7]), new TensorShape(2, 1568));
        Assert.Equal(new long[] { 2, 32, 7, 7 }, outcome.Output!.Dims.ToArray());
    }

    [Fact]
    public void Unknown_values_give_no_guess()
    {
        var layer = LayerGeometry.ConvTranspose(2, 1, 1, [3, 3], stride: [2, 2]) with { Padding = new PerDim<long>(1, null) };
        var outcome = ShapeAlgebra.Forward(layer, new TensorShape(1, 1, 5, 5));
        Assert.False(outcome.IsKnown);
    }
}
