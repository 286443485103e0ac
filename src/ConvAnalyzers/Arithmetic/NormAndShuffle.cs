using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ConvAnalyzers.Arithmetic;

/// <summary>The shape rules of resampling, padding, pixel shuffles, norms and softmax.</summary>
public static partial class TensorOps
{
    /// <summary>
    /// <c>functional.interpolate</c> and <c>nn.Upsample</c> (nearest) over the trailing spatial dims of a 3-d to 5-d input:
    /// <paramref name="size"/>, or ⌊i·scale⌋ in double precision. Measured: TorchSharp 0.107 needs one scale factor per
    /// spatial dim (PyTorch also takes a single scale for all).
    /// </summary>
    public static OpOutcome Interpolate(Dim[] input, IReadOnlyList<long>? size, IReadOnlyList<double>? scaleFactor)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (input.Length is < 3 or > 5)
        {
            return OpOutcome.Fail(Range, $"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.Length}D) for the modes: nearest | linear | bilinear | bicubic | trilinear: the input {Dim.Format(input)} needs a batch and a channel dim before 1 to 3 spatial dims");
        }

        if (size is null && scaleFactor is null)
        {
            return OpOutcome.Fail(Argument, "either size or scale_factor should be defined");
        }

        if (size is not null && scaleFactor is not null)
        {
            return OpOutcome.Fail(Argument, "only one of size or scale_factor should be defined");
        }

        var rank = input.Length - 2;
        if (size is not null && size.Count != rank)
        {
            return OpOutcome.Fail(Range, $"It is expected output_size equals to {rank}, but got size {size.Count}: the input {Dim.Format(input)} has {rank} spatial dims, and size {Tuple(size)} gives {size.Count}");
        }

        if (scaleFactor is not null && scaleFactor.Count != rank)
        {
            return OpOutcome.Fail(Range, $"scale_factor shape must match input shape. Input is {rank}D, scale_factor size is {ScaleList(scaleFactor)}: TorchSharp needs one scale factor per spatial dim of {Dim.Format(input)}");
        }

        var output = Copy(input);
        var arithmetic = new List<string>(rank);
        var tooSmall = -1;
        var byArgument = false;
        for (var d = 0; d < rank; d++)
        {
            var i = input[d + 2];
            if (size is not null)
            {
                output[d + 2] = Dim.Of(size[d]);
                arithmetic.Add($"{SpatialName(d, rank)}: size {L(size[d])}");
                if (size[d] < 1 || (i.IsKnown && i.Equals(Dim.Of(0))))
                {
                    tooSmall = tooSmall < 0 ? d : tooSmall;
                    byArgument |= size[d] < 1;
                }

                continue;
            }

            var scale = scaleFactor![d];
            if (double.IsNaN(scale) || double.IsInfinity(scale))
            {
                return OpOutcome.Unknown;
            }

            if (!i.IsKnown)
            {
                output[d + 2] = Dim.Unknown;
                byArgument |= !(scale > 0);
                tooSmall = !(scale > 0) && tooSmall < 0 ? d : tooSmall;
                continue;
            }

            var known = i.Peek;
            var scaled = SizeTrace.ScaleFloor(i, scale);
            if (scaled is not { } resultDim)
            {
                return OpOutcome.Unknown;
            }

            var result = resultDim.Peek;
            output[d + 2] = resultDim;
            arithmetic.Add($"{SpatialName(d, rank)}: {ArithmeticText.Upsample(known, scale, result)}");
            if (Below(resultDim, 1) || (i.IsKnown && i.Equals(Dim.Of(0))))
            {
                tooSmall = tooSmall < 0 ? d : tooSmall;
                byArgument |= !(scale > 0);
            }
        }

        if (tooSmall >= 0)
        {
            var text = new StringBuilder("Input and output sizes should be greater than 0, but got input (");
            for (var d = 0; d < rank; d++)
            {
                text.Append(d == 0 ? string.Empty : ", ").Append(SpatialName(d, rank)).Append(": ").Append(input[d + 2].ToString());
            }

            text.Append(") output (");
            for (var d = 0; d < rank; d++)
            {
                text.Append(d == 0 ? string.Empty : ", ").Append(SpatialName(d, rank)).Append(": ").Append(output[d + 2].ToString());
            }

            text.Append(')');
            if (arithmetic.Count > 0)
            {
                text.Append(": ").Append(string.Join("; ", arithmetic));
            }

            return OpOutcome.Fail(byArgument ? Argument : Mismatch, text.ToString());
        }

        return OpOutcome.Of(output);
    }

    /// <summary>
    /// <c>functional.pad</c> (constant mode): pairs from the last dim backwards (left, right, top, bottom, ...); a negative
    /// pad crops, and a dim cropped below 0 fails.
    /// </summary>
    public static OpOutcome Pad(Dim[] input, IReadOnlyList<long> pad) => Pad(input, pad?.Select(Dim.Of).ToList()!);

    /// <summary>
    /// <c>functional.pad</c> with the pads as the interpreter holds them: known numbers, some of them perhaps sizes a
    /// free-size trace follows (<c>pad(u, [0, e.shape[3] - u.shape[3], ...])</c>).
    /// </summary>
    public static OpOutcome Pad(Dim[] input, IReadOnlyList<Dim> pad)
    {
        if (!Valid(input) || pad is null || pad.Any(p => !p.IsKnown))
        {
            return OpOutcome.Unknown;
        }

        if (pad.Count % 2 != 0)
        {
            return OpOutcome.Fail(Argument, $"Padding length must be divisible by 2: pad {Tuple(pad.Select(p => p.Peek).ToList())} has {pad.Count} values, a (before, after) pair per dim from the last");
        }

        if (pad.Count / 2 > input.Length)
        {
            return OpOutcome.Fail(Range, $"Padding length should be less than or equal to two times the input dimension but got padding length {pad.Count} and input of dimension {input.Length}: {pad.Count / 2} pairs for the {input.Length} dims of {Dim.Format(input)}");
        }

        // libtorch crops the negative pads first (narrow) and pads after, so the crop alone must leave a size ≥ 0.
        for (var k = 0; k < pad.Count / 2; k++)
        {
            var dim = input.Length - 1 - k;
            var left = Negative(pad[2 * k]);
            var right = Negative(pad[(2 * k) + 1]);
            var crop = CheckedMath.Add(left.Peek, right.Peek);
            if (input[dim].IsKnown && crop is long c && CheckedMath.Add(input[dim].Peek, c) is long cropped
                && Below(SizeTrace.Combine(SizeStep.Add, input[dim], SizeTrace.Combine(SizeStep.Add, left, right, c), cropped), 0))
            {
                return OpOutcome.Fail(Mismatch, $"narrow(): length must be non-negative.: the negative padding crops dim {dim} of {Dim.Format(input)} below zero before it pads: {input[dim]} + {ArithmeticText.N(left.Peek)} + {ArithmeticText.N(right.Peek)} = {L(cropped)}");
            }
        }

        return Padded(input, pad, "narrow(): length must be non-negative.");
    }

    /// <summary>The negative part of a pad (min(pad, 0)); whether it is negative is a decision when it is traced.</summary>
    private static Dim Negative(Dim pad) => Below(pad, 0) ? pad : Dim.Of(0);

    /// <summary>
    /// The padding layers (<c>ZeroPad2d</c>, <c>ConstantPadNd</c>, <c>ReflectionPadNd</c>, <c>ReplicationPadNd</c>) with
    /// <paramref name="padding"/> given per side (left, right, top, bottom, front, back: 2·<paramref name="spatialRank"/> values).
    /// Constant padding works on any input with enough dims; reflection and replication need a batched or unbatched
    /// input of exactly the layer's rank, and reflection a pad smaller than the dim it reflects.
    /// </summary>
    public static OpOutcome PadLayer(Dim[] input, IReadOnlyList<long> padding, int spatialRank, PaddingMode mode = PaddingMode.Zeros)
    {
        if (!Valid(input) || padding is null || spatialRank is < 1 or > 3 || padding.Count != 2 * spatialRank)
        {
            return OpOutcome.Unknown;
        }

        if (mode is PaddingMode.Zeros or PaddingMode.Constant)
        {
            return Pad(input, padding);
        }

        if (mode is not (PaddingMode.Reflect or PaddingMode.Replicate))
        {
            return OpOutcome.Unknown;
        }

        if (input.Length != spatialRank + 1 && input.Length != spatialRank + 2)
        {
            return OpOutcome.Fail(Range, $"Padding size {padding.Count} is not supported for {input.Length}D input tensor: a {mode} pad over {spatialRank} dims takes a {spatialRank + 1}-d (unbatched) or {spatialRank + 2}-d (batched) input, not {Dim.Format(input)}");
        }

        for (var d = 1; d < input.Length; d++)
        {
            if (input[d].IsKnown && input[d].Equals(Dim.Of(0)))
            {
                return OpOutcome.Fail(Mismatch, $"Expected {spatialRank + 1}D or {spatialRank + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Torch(input)}: dim {d} is 0");
            }
        }

        if (mode == PaddingMode.Reflect)
        {
            for (var k = 0; k < spatialRank; k++)
            {
                var dim = input.Length - 1 - k;
                long left = padding[2 * k], right = padding[(2 * k) + 1];
                if (input[dim].IsKnown && (!Below(Dim.Of(left), input[dim]) || !Below(Dim.Of(right), input[dim])))
                {
                    var size = input[dim].Peek;
                    return OpOutcome.Fail(Mismatch, $"Argument #{4 + (2 * k)}: Padding size should be less than the corresponding input dimension, but got: padding ({L(left)}, {L(right)}) at dimension {dim} of input {Torch(input)}: reflection mirrors the {L(size)} values of dim {dim} without repeating the edge, so each side pads at most {L(size - 1)}");
                }
            }

            return TooSmall(input, padding, spatialRank, mode) ?? Padded(input, padding, "numel: integer multiplication overflow");
        }

        return TooSmall(input, padding, spatialRank, mode) ?? Padded(input, padding, "Trying to create tensor with negative dimension");
    }

    /// <summary><c>pixel_shuffle</c> / <c>nn.PixelShuffle</c>: [*, C·r², H, W] → [*, C, H·r, W·r].</summary>
    public static OpOutcome PixelShuffle(Dim[] input, long r)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (input.Length < 3)
        {
            return OpOutcome.Fail(Range, $"pixel_shuffle expects input to have at least 3 dimensions, but got input with {input.Length} dimension(s): {Dim.Format(input)} has no [C, H, W]");
        }

        if (r <= 0)
        {
            return OpOutcome.Fail(Argument, $"pixel_shuffle expects a positive upscale_factor, but got {L(r)}");
        }

        var n = input.Length;
        var square = CheckedMath.Mul(r, r);
        var result = Copy(input);
        if (square is not long rr)
        {
            return OpOutcome.Unknown;
        }

        if (input[n - 3].Known is long channels)
        {
            if (channels % rr != 0)
            {
                return OpOutcome.Fail(Mismatch, $"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={L(channels)} is not divisible by {L(rr)}: "
                    + $"{Dim.Format(input)} has {L(channels)} channels = {L(channels / rr)}·{L(r)}² + {L(channels % rr)}");
            }

            result[n - 3] = Dim.Of(channels / rr);
        }
        else
        {
            result[n - 3] = rr == 1 ? input[n - 3] : Dim.Unknown;
        }

        result[n - 2] = Scale(input[n - 2], r);
        result[n - 1] = Scale(input[n - 1], r);
        return OpOutcome.Of(result);
    }

    /// <summary><c>pixel_unshuffle</c> / <c>nn.PixelUnshuffle</c>: [*, C, H·r, W·r] → [*, C·r², H, W].</summary>
    public static OpOutcome PixelUnshuffle(Dim[] input, long r)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (input.Length < 3)
        {
            return OpOutcome.Fail(Range, $"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {input.Length} dimension(s): {Dim.Format(input)} has no [C, H, W]");
        }

        if (r <= 0)
        {
            return OpOutcome.Fail(Argument, $"pixel_unshuffle expects a positive downscale_factor, but got {L(r)}");
        }

        var n = input.Length;
        var result = Copy(input);
        string[] names = ["height", "width"];
        for (var k = 0; k < 2; k++)
        {
            var dim = n - 2 + k;
            if (input[dim].Known is long size)
            {
                if (size % r != 0)
                {
                    return OpOutcome.Fail(Mismatch, $"pixel_unshuffle expects {names[k]} to be divisible by downscale_factor, but input.size({k - 2})={L(size)} is not divisible by {L(r)}: {L(size)} = {L(size / r)}·{L(r)} + {L(size % r)} in {Dim.Format(input)}");
                }

                result[dim] = Dim.Of(size / r);
            }
            else
            {
                result[dim] = r == 1 ? input[dim] : Dim.Unknown;
            }
        }

        var square = CheckedMath.Mul(r, r);
        result[n - 3] = square is long rr ? Scale(input[n - 3], rr) : Dim.Unknown;
        return OpOutcome.Of(result);
    }

    /// <summary>
    /// <c>nn.GroupNorm(groups, channels)</c>, or <c>functional.group_norm</c> without a weight when <paramref name="channels"/>
    /// is null. Measured: TorchSharp 0.107's GroupNorm module rejects inputs of fewer than 3 dims (PyTorch takes [N, C]),
    /// and it builds a layer whose channels are not divisible by its groups (the error comes from forward).
    /// </summary>
    public static OpOutcome GroupNorm(Dim[] input, long groups, long? channels)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (channels is long negative && negative < 0)
        {
            return OpOutcome.Fail(Argument, $"Trying to create tensor with negative dimension {L(negative)}: [{L(negative)}]: GroupNorm's num_channels must be at least 1");
        }

        if (channels is not null && input.Length < 3)
        {
            return OpOutcome.Fail(Range, $"Invalid number of dimensions for GroupNorm argument: {input.Length}: TorchSharp's GroupNorm takes [N, C, *] with at least one dim after C, not {Dim.Format(input)}");
        }

        if (input.Length < 2)
        {
            return OpOutcome.Fail(Range, $"Dimension out of range (expected to be in range of [-1, 0], but got 1): group_norm reads the channels from dim 1 of {Dim.Format(input)}");
        }

        if (groups <= 0)
        {
            return OpOutcome.Fail(Argument, $"Expected num groups to be greater than 0, got {L(groups)}");
        }

        if (input[1].Known is long c)
        {
            if (c % groups != 0)
            {
                return OpOutcome.Fail(Mismatch, $"Expected number of channels in input to be divisible by num_groups, but got input of shape {Torch(input)} and num_groups={L(groups)}: {L(c)} channels = {L(c / groups)}·{L(groups)} + {L(c % groups)}");
            }

            if (channels is long expected && expected != c)
            {
                return OpOutcome.Fail(Mismatch, $"Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [{L(expected)}] and input of shape {Torch(input)}: GroupNorm({L(groups)}, {L(expected)}) receives {L(c)} channels", [c]);
            }
        }

        return OpOutcome.Of(Copy(input));
    }

    /// <summary>
    /// <c>nn.InstanceNorm1d/2d/3d(numFeatures)</c> (<paramref name="spatialRank"/> 1 to 3), or <c>functional.instance_norm</c>
    /// (<paramref name="spatialRank"/> 0; <paramref name="numFeatures"/> null when unknown). Measured: TorchSharp 0.107 checks
    /// num_features against the input's channels even without affine or running stats (PyTorch then only warns).
    /// </summary>
    public static OpOutcome InstanceNorm(Dim[] input, long? numFeatures, int spatialRank)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (spatialRank <= 0)
        {
            return input.Length < 2
                ? OpOutcome.Fail(Range, $"Dimension out of range (expected to be in range of [-1, 0], but got 1): instance_norm reads the channels from dim 1 of {Dim.Format(input)}")
                : OpOutcome.Of(Copy(input));
        }

        if (input.Length != spatialRank + 1 && input.Length != spatialRank + 2)
        {
            return OpOutcome.Fail(Range, $"expected {spatialRank + 1}D or {spatialRank + 2}D input, but got {input.Length}D input.: InstanceNorm{spatialRank}d takes [C, {SpatialNames(spatialRank)}] or [N, C, {SpatialNames(spatialRank)}], not {Dim.Format(input)}");
        }

        var channelDim = input.Length == spatialRank + 2 ? 1 : 0;
        if (numFeatures is long expected && input[channelDim].Known is long c && c != expected)
        {
            return OpOutcome.Fail(Mismatch, $"expected input's size at dim={channelDim} to match num_features ({L(expected)}), but got: {L(c)}.: InstanceNorm{spatialRank}d({L(expected)}) receives {Dim.Format(input)}, whose channels (dim {channelDim}) are {L(c)}", [c]);
        }

        return OpOutcome.Of(Copy(input));
    }

    /// <summary><c>nn.LayerNorm(normalizedShape)</c> and <c>functional.layer_norm</c>: the input ends with the normalized shape.</summary>
    public static OpOutcome LayerNorm(Dim[] input, IReadOnlyList<long> normalizedShape)
    {
        if (!Valid(input) || normalizedShape is null)
        {
            return OpOutcome.Unknown;
        }

        if (normalizedShape.Count == 0)
        {
            return OpOutcome.Fail(Argument, "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []");
        }

        foreach (var s in normalizedShape)
        {
            if (s < 0)
            {
                return OpOutcome.Fail(Argument, $"Trying to create tensor with negative dimension {L(s)}: normalized_shape {Torch(normalizedShape)} holds sizes, at least 1 each");
            }
        }

        var offset = input.Length - normalizedShape.Count;
        var fits = offset >= 0;
        for (var i = 0; fits && i < normalizedShape.Count; i++)
        {
            fits = input[offset + i].Known is not long size || size == normalizedShape[i];
        }

        if (!fits)
        {
            var star = new StringBuilder("[*");
            foreach (var s in normalizedShape)
            {
                star.Append(", ").Append(L(s));
            }

            var message = $"Given normalized_shape={Torch(normalizedShape)}, expected input with shape {star}], but got input of size{Torch(input)}: the last {normalizedShape.Count} dims of {Dim.Format(input)} must be {Dim.Format(Dim.From(normalizedShape))}";
            // The shape it needs: the input's last dims, when they are all known.
            long[]? needs = null;
            if (offset >= 0)
            {
                var last = new Dim[normalizedShape.Count];
                Array.Copy(input, offset, last, 0, last.Length);
                needs = Dim.AllKnown(last);
            }

            return needs is not null ? OpOutcome.Fail(Mismatch, message, needs) : OpOutcome.Fail(Mismatch, message);
        }

        return OpOutcome.Of(Copy(input));
    }

    /// <summary><c>softmax</c>, <c>log_softmax</c> and <c>nn.Softmax(dim)</c>: the shape is kept; the dim must exist.</summary>
    public static OpOutcome Softmax(Dim[] input, long dim)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        return Wrap(dim, input, "softmax's dim", out _) ?? OpOutcome.Of(Copy(input));
    }

    private static OpOutcome Padded(Dim[] input, IReadOnlyList<long> pad, string negativeWords) => Padded(input, pad.Select(Dim.Of).ToList(), negativeWords);

    private static OpOutcome Padded(Dim[] input, IReadOnlyList<Dim> pad, string negativeWords)
    {
        var result = Copy(input);
        for (var k = 0; k < pad.Count / 2; k++)
        {
            var dim = input.Length - 1 - k;
            Dim left = pad[2 * k], right = pad[(2 * k) + 1];
            var total = CheckedMath.Add(left.Peek, right.Peek);
            var added = SizeTrace.Combine(SizeStep.Add, left, right, total ?? 0);
            if (total is null)
            {
                return OpOutcome.Unknown;
            }

            if (input[dim].IsKnown)
            {
                var padded = CheckedMath.Add(input[dim].Peek, added.Peek);
                var traced = SizeTrace.Combine(SizeStep.Add, input[dim], added, padded ?? 0);
                if (padded is not long value)
                {
                    return OpOutcome.Unknown;
                }

                if (Below(traced, 0))
                {
                    return OpOutcome.Fail(Mismatch, $"{negativeWords}: the padding crops dim {dim} of {Dim.Format(input)} below zero: {input[dim]} + {ArithmeticText.N(left.Peek)} + {ArithmeticText.N(right.Peek)} = {L(value)}");
                }

                result[dim] = traced;
            }
            else
            {
                result[dim] = IsZero(added) ? input[dim] : Dim.Unknown;
            }
        }

        return OpOutcome.Of(result);
    }

    /// <summary>
    /// Measured (libtorch's check reads "owidth >= 1 || oheight >= 1"): a reflection or replication pad is too small only
    /// when every padded dim would be below 1; a single empty dim passes and returns an empty tensor.
    /// </summary>
    private static OpOutcome? TooSmall(Dim[] input, IReadOnlyList<long> padding, int spatialRank, PaddingMode mode)
    {
        var anyPositive = false;
        var allKnown = true;
        for (var k = 0; k < spatialRank; k++)
        {
            var dim = input.Length - 1 - k;
            var total = CheckedMath.Add(padding[2 * k], padding[(2 * k) + 1]);
            if (input[dim].IsKnown && total is long t && CheckedMath.Add(input[dim].Peek, t) is long output)
            {
                anyPositive |= !Below(SizeTrace.Combine(SizeStep.Add, input[dim], Dim.Of(t), output), 1);
            }
            else
            {
                allKnown = false;
            }
        }

        if (allKnown && !anyPositive)
        {
            return OpOutcome.Fail(Mismatch, $"input ({PaddedSizes(input, spatialRank, null)}) is too small. Calculated output {PaddedSizes(input, spatialRank, padding)}: {mode} padding {Tuple(padding)} leaves no dim of {Dim.Format(input)} at least 1");
        }

        return null;
    }

    private static string PaddedSizes(Dim[] input, int spatialRank, IReadOnlyList<long>? padding)
    {
        var text = new StringBuilder();
        for (var d = 0; d < spatialRank; d++)
        {
            var dim = input.Length - spatialRank + d;
            var k = spatialRank - 1 - d;
            var value = padding is null ? input[dim].ToString() : input[dim].Known is long size && CheckedMath.Add(size, CheckedMath.Add(padding[2 * k], padding[(2 * k) + 1])) is long output ? L(output) : "?";
            text.Append(d == 0 ? string.Empty : ", ").Append(SpatialName(d, spatialRank)).Append(": ").Append(value);
        }

        return text.ToString();
    }

    /// <summary>A known size compared with a bound (a decision of the free-size trace when the size is traced).</summary>
    private static bool Below(Dim size, long bound) => Below(size, Dim.Of(bound));

    private static bool Below(Dim a, Dim b)
    {
        var below = a.Peek < b.Peek;
        SizeTrace.Decide(SizeStep.Less, a, b, below);
        return below;
    }

    private static Dim Scale(Dim d, long factor)
    {
        if (!d.IsKnown)
        {
            return factor == 1 ? d : Dim.Unknown;
        }

        var product = CheckedMath.Mul(d.Peek, factor);
        var traced = SizeTrace.Combine(SizeStep.Multiply, d, Dim.Of(factor), product ?? 0);
        return product is null ? Dim.Unknown : traced;
    }

    private static string SpatialName(int d, int rank) => rank switch
    {
        1 => "W",
        2 => d == 0 ? "H" : "W",
        _ => d == 0 ? "D" : d == 1 ? "H" : "W",
    };

    private static string SpatialNames(int rank) => rank switch
    {
        1 => "L",
        2 => "H, W",
        _ => "D, H, W",
    };

    private static string ScaleList(IReadOnlyList<double> values)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }
}
