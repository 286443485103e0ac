using System.Collections.Generic;

namespace ConvAnalyzers.Arithmetic;

/// <summary>A legal (padding, output_padding) pair for one dimension of a transposed convolution.</summary>
public readonly record struct TransposedPadding(long Padding, long OutputPadding);

/// <summary>The output sizes <c>forward(x, output_size)</c> accepts for one dimension.</summary>
public readonly record struct OutputSizeRange(long Minimum, long Maximum)
{
    public bool Contains(long size) => size >= Minimum && size <= Maximum;
}

/// <summary>
/// Solves the transposed-convolution equation
/// <c>o = (i − 1)·s − 2p + d·(k − 1) + op + 1</c> for the unknowns users ask about.
/// </summary>
public static class OutputPaddingSolver
{
    /// <summary>
    /// Solvers list at most this many answers, the smallest first: with absurd strides there could be billions, and
    /// the editor needs the first few.
    /// </summary>
    public const int MaxSolutions = 64;

    /// <summary>
    /// (a) The output_padding with which a ConvTranspose with the same k, s, p, d as the encoder conv
    /// returns exactly the encoder's input size <paramref name="encoderInput"/>:
    /// <c>op = (i + 2p − d(k−1) − 1) mod s</c>, always smaller than s. Null when the conv is invalid for that input.
    /// </summary>
    public static long? MirrorOutputPadding(long encoderInput, long kernel, long stride, long padding, long dilation)
    {
        if (kernel < 1 || stride < 1 || dilation < 1 || padding < 0)
        {
            return null;
        }

        var numerator = CheckedMath.Sub(CheckedMath.Sub(CheckedMath.Add(encoderInput, CheckedMath.Mul(2, padding)), CheckedMath.Mul(dilation, kernel - 1)), 1);
        return numerator is long n && n >= 0 ? CheckedMath.FloorMod(n, stride) : null;
    }

    /// <summary>(a) per dimension, for a Conv layer; null when a value is unknown or the conv fails on that input.</summary>
    public static long[]? MirrorOutputPadding(LayerGeometry conv, IReadOnlyList<long> encoderInput)
    {
        if (conv.Kind != LayerKind.Conv || conv.PaddingMode != PaddingMode.Zeros)
        {
            return null;
        }

        var result = new long[conv.SpatialRank];
        for (var dim = 0; dim < conv.SpatialRank; dim++)
        {
            if (conv.Kernel[dim] is not long k || conv.Stride[dim] is not long s || conv.Dilation[dim] is not long d)
            {
                return null;
            }

            long p;
            switch (conv.PaddingKind)
            {
                case PaddingKind.Same:
                    // Padding.Same needs stride 1, where a transposed conv maps sizes one to one.
                    result[dim] = 0;
                    continue;
                case PaddingKind.Valid:
                    p = 0;
                    break;
                default:
                    if (conv.Padding[dim] is not long explicitPadding)
                    {
                        return null;
                    }

                    p = explicitPadding;
                    break;
            }

            if (MirrorOutputPadding(encoderInput[dim], k, s, p, d) is not long op)
            {
                return null;
            }

            result[dim] = op;
        }

        return result;
    }

    /// <summary>
    /// (b) Every legal (padding, output_padding) pair (the first <see cref="MaxSolutions"/>) with which a transposed conv of kernel k, stride s and
    /// dilation d maps input size i to <paramref name="wantedOutput"/>: padding ≥ 0, output_padding ≥ 0 and
    /// smaller than either stride or dilation. Ordered by output_padding.
    /// </summary>
    public static IReadOnlyList<TransposedPadding> Solve(long input, long wantedOutput, long kernel, long stride, long dilation)
    {
        var pairs = new List<TransposedPadding>();
        if (input < 1 || wantedOutput < 1 || kernel < 1 || stride < 1 || dilation < 1)
        {
            return pairs;
        }

        // o = (i−1)s − 2p + d(k−1) + op + 1  ⇔  2p − op = (i−1)s + d(k−1) + 1 − o
        var difference = CheckedMath.Sub(CheckedMath.Add(CheckedMath.Add(CheckedMath.Mul(input - 1, stride), CheckedMath.Mul(dilation, kernel - 1)), 1), wantedOutput);
        if (difference is not long twoPMinusOp)
        {
            return pairs;
        }

        // op < max(s, d), p = (D + op) / 2 ≥ 0 with D + op even: start at the smallest such op and step by 2.
        var opLimit = System.Math.Max(stride, dilation);
        var start = twoPMinusOp < 0 ? -twoPMinusOp : 0;
        if (CheckedMath.Add(twoPMinusOp, start) is not long first)
        {
            return pairs;
        }

        if (first % 2 != 0)
        {
            start++;
        }

        for (var op = start; op < opLimit && pairs.Count < MaxSolutions; op += 2)
        {
            if (CheckedMath.Add(twoPMinusOp, op) is long twoP)
            {
                pairs.Add(new TransposedPadding(twoP / 2, op));
            }
        }

        return pairs;
    }

    /// <summary>
    /// (c) The output sizes TorchSharp's <c>forward(x, output_size)</c> accepts for one dimension:
    /// from the output_padding-0 size to that plus stride − 1 (measured: dilation does not widen it).
    /// Null for invalid hyperparameters or an overflow.
    /// </summary>
    public static OutputSizeRange? ValidOutputSizes(long input, long kernel, long stride, long padding, long dilation)
    {
        if (input < 1 || kernel < 1 || stride < 1 || dilation < 1 || padding < 0)
        {
            return null;
        }

        var minimum = CheckedMath.Add(CheckedMath.Add(CheckedMath.Sub(CheckedMath.Mul(input - 1, stride), CheckedMath.Mul(2, padding)), CheckedMath.Mul(dilation, kernel - 1)), 1);
        var maximum = CheckedMath.Add(minimum, stride - 1);
        if (minimum is not long min || maximum is not long max || max < 1)
        {
            return null;
        }

        return new OutputSizeRange(System.Math.Max(min, 1), max);
    }

    /// <summary>
    /// Every padding with which a (forward) conv of kernel k, stride s and dilation d maps input size i to
    /// <paramref name="wantedOutput"/>, up to the largest padding that can still matter.
    /// </summary>
    public static IReadOnlyList<long> SolveConvPadding(long input, long wantedOutput, long kernel, long stride, long dilation)
    {
        var paddings = new List<long>();
        if (input < 1 || wantedOutput < 1 || kernel < 1 || stride < 1 || dilation < 1)
        {
            return paddings;
        }

        // o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1  ⇔  (o−1)s ≤ i + 2p − d(k−1) − 1 ≤ (o−1)s + s − 1
        var low = CheckedMath.Add(CheckedMath.Sub(CheckedMath.Mul(wantedOutput - 1, stride), input), CheckedMath.Add(CheckedMath.Mul(dilation, kernel - 1), 1));
        var high = CheckedMath.Add(low, stride - 1);
        if (low is not long lo || high is not long hi)
        {
            return paddings;
        }

        var first = System.Math.Max(0, lo <= 0 ? 0 : (lo + 1) / 2);
        for (var p = first; p <= CheckedMath.FloorDiv(hi, 2) && paddings.Count < MaxSolutions; p++)
        {
            paddings.Add(p);
        }

        return paddings;
    }
}
