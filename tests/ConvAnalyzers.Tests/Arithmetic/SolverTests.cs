using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Model;
using CsCheck;
using Xunit;

namespace ConvAnalyzers.Tests.Arithmetic;

public sealed class SolverTests
{
    [Fact]
    public void Mirror_of_every_strided_conv_reproduces_its_input_for_every_size_up_to_512()
    {
        // Every kernel/stride/padding/dilation in range, every input size 1..512: exhaustive, not sampled.
        for (long k = 1; k <= 5; k++)
        for (long s = 2; s <= 4; s++)
        for (long d = 1; d <= 3; d++)
        for (long p = 0; p <= (d * (k - 1)) / 2; p++)
        {
            var conv = LayerGeometry.Conv(1, 1, 1, [k], stride: [s], padding: [p], dilation: [d]);
            for (long i = 1; i <= 512; i++)
            {
                var encoded = ShapeAlgebra.ForwardSpatial(conv, [i]);
                if (encoded.Sizes is null)
                {
                    continue;
                }

                var op = OutputPaddingSolver.MirrorOutputPadding(i, k, s, p, d);
                Assert.NotNull(op);
                Assert.InRange(op!.Value, 0, s - 1);
                var mirror = LayerGeometry.ConvTranspose(1, 1, 1, [k], stride: [s], padding: [p], outputPadding: [op.Value], dilation: [d]);
                Assert.Empty(ShapeAlgebra.Validate(mirror));
                var decoded = ShapeAlgebra.ForwardSpatial(mirror, encoded.Sizes);
                Assert.Equal(i, Assert.Single(decoded.Sizes!));
            }
        }
    }

    [Fact]
    public void Seed_mirror_needs_output_padding_1_in_every_dimension()
    {
        var encoder = LayerGeometry.Conv(3, 256, 128, [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1]);
        Assert.Equal(new long[] { 1, 1, 1 }, OutputPaddingSolver.MirrorOutputPadding(encoder, [24, 32, 24]));
        Assert.Equal(new long[] { 0, 0, 0 }, OutputPaddingSolver.MirrorOutputPadding(encoder, [23, 31, 23]));
    }

    [Fact]
    public void Solve_lists_every_legal_padding_pair_and_each_reproduces_the_target()
    {
        Gen.Select(Gen.Long[1, 40], Gen.Long[1, 100], Gen.Long[1, 7], Gen.Long[1, 4], Gen.Long[1, 3]).Sample((i, o, k, s, d) =>
        {
            var pairs = OutputPaddingSolver.Solve(i, o, k, s, d);
            foreach (var (p, op) in pairs)
            {
                var layer = LayerGeometry.ConvTranspose(1, 1, 1, [k], stride: [s], padding: [p], outputPadding: [op], dilation: [d]);
                Assert.Empty(ShapeAlgebra.Validate(layer));
                Assert.Equal(o, Assert.Single(ShapeAlgebra.ForwardSpatial(layer, [i]).Sizes!));
            }

            // Completeness: a brute-force search over small paddings finds nothing the solver missed.
            for (long p = 0; p <= 60; p++)
            for (long op = 0; op < Math.Max(s, d); op++)
            {
                var layer = LayerGeometry.ConvTranspose(1, 1, 1, [k], stride: [s], padding: [p], outputPadding: [op], dilation: [d]);
                if (ShapeAlgebra.ForwardSpatial(layer, [i]).Sizes is [var size] && size == o)
                {
                    Assert.Contains(new TransposedPadding(p, op), pairs);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Absurd_strides_give_a_bounded_answer_at_once()
    {
        // Found by the value fuzzing: with stride int.MaxValue the solver used to try every output_padding below it.
        var pairs = OutputPaddingSolver.Solve(12, 24, 3, int.MaxValue, 1);
        Assert.InRange(pairs.Count, 1, OutputPaddingSolver.MaxSolutions);
        Assert.All(pairs, p => Assert.Equal(24, ((12 - 1) * (long)int.MaxValue) - (2 * p.Padding) + 2 + p.OutputPadding + 1));
        Assert.InRange(OutputPaddingSolver.SolveConvPadding(1, long.MaxValue / 4, 1, 1, 1).Count, 0, OutputPaddingSolver.MaxSolutions);
    }

    [Fact]
    public void Seed_question_has_the_answer_padding_1_output_padding_1()
    {
        var pairs = OutputPaddingSolver.Solve(12, 24, 3, 2, 1);
        Assert.Equal(new[] { new TransposedPadding(1, 1) }, pairs);
    }

    [Fact]
    public void Valid_output_sizes_span_stride_values_whatever_the_dilation()
    {
        Assert.Equal(new OutputSizeRange(9, 10), OutputPaddingSolver.ValidOutputSizes(5, 3, 2, 1, 1));
        Assert.Equal(new OutputSizeRange(11, 11), OutputPaddingSolver.ValidOutputSizes(5, 3, 1, 0, 3));
        Assert.Null(OutputPaddingSolver.ValidOutputSizes(5, 3, 0, 0, 1));
    }

    [Fact]
    public void Conv_padding_solver_finds_every_padding_that_gives_the_size()
    {
        Gen.Select(Gen.Long[1, 60], Gen.Long[1, 60], Gen.Long[1, 7], Gen.Long[1, 4], Gen.Long[1, 3]).Sample((i, o, k, s, d) =>
        {
            var paddings = OutputPaddingSolver.SolveConvPadding(i, o, k, s, d);
            for (long p = 0; p <= 80; p++)
            {
                var conv = LayerGeometry.Conv(1, 1, 1, [k], stride: [s], padding: [p], dilation: [d]);
                var gives = ShapeAlgebra.ForwardSpatial(conv, [i]).Sizes is [var size] && size == o;
                Assert.Equal(gives, paddings.Contains(p));
            }
        }, iter: 300);
    }

    [Fact]
    public void Floor_division_rounds_toward_negative_infinity()
    {
        Gen.Select(Gen.Long[-1000, 1000], Gen.Long[1, 50]).Sample((a, b) =>
        {
            var q = CheckedMath.FloorDiv(a, b);
            Assert.Equal((long)Math.Floor(a / (double)b), q);
            Assert.InRange(CheckedMath.FloorMod(a, b), 0, b - 1);
        });
    }

    [Fact]
    public void Checked_math_reports_overflow_as_null()
    {
        Assert.Null(CheckedMath.Add(long.MaxValue, 1));
        Assert.Null(CheckedMath.Sub(long.MinValue, 1));
        Assert.Null(CheckedMath.Mul(long.MaxValue, 2));
        Assert.Null(CheckedMath.Mul(long.MinValue, -1));
        Assert.Equal(long.MaxValue, CheckedMath.Add(long.MaxValue - 1, 1));
        Assert.Equal(6, CheckedMath.Mul(-2, -3));
    }
}
