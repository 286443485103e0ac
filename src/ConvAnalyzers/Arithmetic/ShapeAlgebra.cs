using System.Collections.Generic;
using System.Linq;
using ConvAnalyzers.Model;
using static ConvAnalyzers.Arithmetic.ArithmeticText;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// The shape algebra of conv-family layers (DESIGN.md §1), and every validity rule libtorch and
/// TorchSharp 0.107 enforce, as they enforce them (measured, not as documented).
/// </summary>
public static class ShapeAlgebra
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LayerGeometry, IReadOnlyList<Violation>[]> Validations = new();

    /// <summary>
    /// <see cref="Validate"/>, kept per geometry instance (geometries are immutable): a layer applied at every size of a
    /// free-size sweep, or once per input, is validated once per semantics.
    /// </summary>
    private static IReadOnlyList<Violation> Validated(LayerGeometry g, OutputPaddingSemantics semantics)
    {
        var kept = Validations.GetValue(g, static _ => new IReadOnlyList<Violation>[3]);
        var index = (int)semantics;
        if (index < 0 || index >= kept.Length)
        {
            return Validate(g, semantics);
        }

        return System.Threading.Volatile.Read(ref kept[index]) ?? (kept[index] = Validate(g, semantics));
    }

    private static bool AnyBelowOne(TensorShape input)
    {
        foreach (var d in input.Dims)
        {
            if (d < 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rules a layer breaks whatever its input (hyperparameters alone).</summary>
    public static IReadOnlyList<Violation> Validate(LayerGeometry g, OutputPaddingSemantics semantics = OutputPaddingSemantics.TorchSharpForward)
    {
        var found = new List<Violation>();
        var rank = g.SpatialRank;
        switch (g.Kind)
        {
            case LayerKind.Conv:
            case LayerKind.ConvTranspose:
                ValidateConvolution(g, semantics, found);
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                for (var dim = 0; dim < rank; dim++)
                {
                    Positive(found, g, dim, g.Kernel[dim], Rule.NonPositiveKernel, "kernel_size");
                    Positive(found, g, dim, g.Stride[dim], Rule.NonPositiveStride, "stride");
                    if (g.Kind == LayerKind.MaxPool)
                    {
                        Positive(found, g, dim, g.Dilation[dim], Rule.NonPositiveDilation, "dilation");
                    }

                    NonNegative(found, g, dim, g.Padding[dim], Rule.NegativePadding, "padding");
                    if (g.Kernel[dim] is long k && k > 0 && g.Padding[dim] is long p && p > k / 2)
                    {
                        found.Add(new Violation(Rule.PoolPaddingTooLarge, "padding", dim,
                            $"pad should be smaller than or equal to half of kernel size, but in {Dim(g, dim)} padding {N(p)} > ⌊{N(k)}/2⌋ = {N(k / 2)}"
                            + (g.Dilation[dim] is long d && d > 1 ? " (the dilation does not raise the limit)" : string.Empty)));
                    }
                }

                break;
            case LayerKind.MaxUnpool:
                for (var dim = 0; dim < rank; dim++)
                {
                    Positive(found, g, dim, g.Kernel[dim], Rule.NonPositiveKernel, "kernel_size");
                    Positive(found, g, dim, g.Stride[dim], Rule.NonPositiveStride, "stride");
                    NonNegative(found, g, dim, g.Padding[dim], Rule.NegativePadding, "padding");
                }

                break;
            case LayerKind.Linear:
                Positive(found, g, null, g.InChannels, Rule.NonPositiveChannels, "in_features");
                if (g.OutChannels is long outFeatures && outFeatures < 1)
                {
                    found.Add(new Violation(Rule.NonPositiveChannels, "out_features", null,
                        $"Trying to create tensor with negative dimension: out_features of Linear is {N(outFeatures)}, but must be at least 1"
                        + (outFeatures == 0 ? " (with 0 libtorch returns an empty tensor)" : string.Empty),
                        MayReturnEmpty: outFeatures == 0));
                }

                break;
            case LayerKind.BatchNorm:
                Positive(found, g, null, g.InChannels, Rule.NonPositiveChannels, "num_features");
                break;
            case LayerKind.Flatten:
                if (g.StartDim is long start && g.EndDim is long end && (start < 0) == (end < 0) && start > end)
                {
                    found.Add(new Violation(Rule.InvalidFlattenDims, "start_dim", null,
                        $"flatten() has invalid args: start_dim cannot come after end_dim, but start_dim {N(start)} > end_dim {N(end)}"));
                }

                break;
            case LayerKind.Unflatten:
                if (g.StartDim is long unflattenDim && unflattenDim < 0)
                {
                    // Measured: TorchSharp 0.107's Unflatten rejects negative dims, which PyTorch accepts.
                    found.Add(new Violation(Rule.InvalidUnflattenArguments, "dim", null,
                        $"Invalid 'dim' argument: {N(unflattenDim)}. TorchSharp 0.107's Unflatten accepts only dims counted from the front (0 and up)"));
                }

                if (g.OutputSize.IsPresent)
                {
                    var unknowns = Enumerable.Range(0, g.OutputSize.Count).Count(i => g.OutputSize[i] == -1);
                    if (unknowns > 1 || Enumerable.Range(0, g.OutputSize.Count).Any(i => g.OutputSize[i] is long v && v < -1))
                    {
                        found.Add(new Violation(Rule.InvalidUnflattenArguments, "unflattened_size", null,
                            $"unflatten: unflattened_size {g.OutputSize} may hold sizes ≥ 0 and at most one −1 (libtorch: can only specify one unknown dimension)"));
                    }
                }

                break;
            case LayerKind.AdaptiveMaxPool when rank == 3:
                found.Add(new Violation(Rule.BrokenInTorchSharp, null, null,
                    "TorchSharp 0.107's AdaptiveMaxPool3d.forward always fails with 'Object reference not set to an instance of an object.' (it calls adaptive_max_pool1d); use AdaptiveAvgPool3d, or MaxPool3d with a computed kernel"));
                break;
            case LayerKind.AdaptiveAvgPool:
            case LayerKind.AdaptiveMaxPool:
            case LayerKind.Upsample:
                for (var dim = 0; dim < g.OutputSize.Count; dim++)
                {
                    if (g.OutputSize[dim] is long size && size < 1)
                    {
                        // Measured: adaptive pools return an empty tensor for 0 and raise for negative sizes.
                        var parameter = g.Kind == LayerKind.Upsample ? "size" : "output_size";
                        found.Add(new Violation(Rule.NonPositiveOutputSize, parameter, dim,
                            $"Input and output sizes should be greater than 0, but {parameter} in {Dim(g, dim)} of {g.TorchName} is {N(size)}",
                            MayReturnEmpty: size == 0 && g.Kind != LayerKind.Upsample));
                    }
                }

                for (var dim = 0; dim < g.ScaleFactor.Count; dim++)
                {
                    if (g.ScaleFactor[dim] is double scale && !(scale > 0))
                    {
                        found.Add(new Violation(Rule.NonPositiveOutputSize, "scale_factor", dim,
                            $"Input and output sizes should be greater than 0, but scale_factor in {Dim(g, dim)} is {scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}: every output size would be ⌊i·{scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}⌋ < 1"));
                    }
                }

                break;
        }

        return found;
    }

    /// <summary>
    /// Predicts what running the layer on <paramref name="input"/> does in TorchSharp (or, with
    /// <see cref="OutputPaddingSemantics.PerDimension"/>, what the code intends).
    /// </summary>
    /// <param name="requestedOutputSize">A ConvTranspose's <c>forward(x, output_size)</c> argument: spatial sizes, or the full shape.</param>
    /// <param name="render">False when no message or arithmetic text will be read (a free-size probe): the spatial arithmetic is then not written out.</param>
    public static LayerOutcome Forward(LayerGeometry g, TensorShape input, OutputPaddingSemantics semantics = OutputPaddingSemantics.TorchSharpForward, IReadOnlyList<long>? requestedOutputSize = null, bool render = true)
    {
        // Collect every rule the call breaks before the shapes are computed: TorchSharp checks some in C#
        // (rank, channels, the output_size range) and libtorch the rest, so either may be what users see first.
        var found = new List<Violation>();
        foreach (var v in Validated(g, semantics))
        {
            if (requestedOutputSize is null || v.Rule is not (Rule.OutputPaddingNotSmaller or Rule.NegativeOutputPadding))
            {
                found.Add(v);
            }
        }

        if (g.Kind.IsFeatureLayer())
        {
            if (found.Count > 0)
            {
                // libtorch checks that the dims exist before it compares them.
                if (g.Kind is LayerKind.Flatten or LayerKind.Unflatten && FeatureLayer(g, input).Violations.FirstOrDefault(v => v.Rule == Rule.RankMismatch) is Violation range)
                {
                    found.Add(range);
                }

                return LayerOutcome.Fail(found);
            }

            return AnyBelowOne(input) ? LayerOutcome.Unknown : FeatureLayer(g, input);
        }

        var rank = g.SpatialRank;
        if (AnyBelowOne(input) || rank == 0 || (requestedOutputSize is not null && requestedOutputSize.Count != rank && requestedOutputSize.Count != input.Rank))
        {
            return found.Count > 0 ? LayerOutcome.Fail(found) : LayerOutcome.Unknown;
        }

        var rankViolation = CheckRank(g, input);
        if (rankViolation is not null)
        {
            found.Add(rankViolation);
            return LayerOutcome.Fail(found);
        }

        var channelIndex = input.Rank - rank - 1;
        var inputChannels = channelIndex >= 0 ? input[channelIndex] : 0;
        if (g.Kind.IsConvolution() && g.InChannels is long expectedChannels && expectedChannels > 0 && expectedChannels != inputChannels)
        {
            found.Add(new Violation(Rule.ChannelMismatch, "in_channels", null,
                $"Expected {rank + 1}D (unbatched) or {rank + 2}D (batched) input with {N(expectedChannels)} channels to {g.TorchName}, but it receives {N(inputChannels)} channels (input {Shape(input.Dims)})",
                Received: inputChannels));
        }

        var requested = requestedOutputSize?.Skip(requestedOutputSize.Count - rank).ToArray();
        if (requested is not null)
        {
            found.AddRange(CheckRequestedOutputSize(g, input.Spatial(rank), requested));
        }

        if (found.Count > 0)
        {
            // libtorch computes the output size (and TorchSharp applies non-zeros padding modes) before it
            // validates every hyperparameter, so a size failure in another dimension may be what users see.
            for (var dim = 0; dim < rank; dim++)
            {
                if (g.Stride[dim] is long stride && stride < 1)
                {
                    if (g.Kind == LayerKind.Conv && g.PaddingKind == PaddingKind.Explicit && g.Padding[dim] is long p
                        && CheckPaddingMode(g, dim, input.Spatial(rank)[dim], p, p) is Violation modeViolation)
                    {
                        found.Add(modeViolation);
                    }

                    continue;
                }

                var other = ForwardDimension(g, dim, input.Spatial(rank)[dim], semantics, requested?[dim]).Violation;
                if (other is { Rule: Rule.OutputTooSmall or Rule.PaddingModeExceedsInput })
                {
                    found.Add(other);
                }
            }

            return LayerOutcome.Fail(found);
        }

        var spatial = ForwardSpatial(g, input.Spatial(rank), semantics, requested, render);
        if (spatial.Violations.Count > 0)
        {
            return new LayerOutcome(null, spatial.Violations, spatial.Arithmetic);
        }

        if (spatial.Sizes is null)
        {
            return LayerOutcome.Unknown;
        }

        if (!g.Kind.IsConvolution())
        {
            return new LayerOutcome(input.WithSpatial(spatial.Sizes), System.Array.Empty<Violation>(), spatial.Arithmetic);
        }

        return g.OutChannels is long outputChannels
            ? new LayerOutcome(input.WithChannelsAndSpatial(outputChannels, spatial.Sizes), System.Array.Empty<Violation>(), spatial.Arithmetic)
            : LayerOutcome.Unknown;
    }

    /// <summary>The spatial half of <see cref="Forward"/>: one output size per dimension, with its arithmetic.</summary>
    public static SpatialOutcome ForwardSpatial(LayerGeometry g, IReadOnlyList<long> input, OutputPaddingSemantics semantics = OutputPaddingSemantics.TorchSharpForward, IReadOnlyList<long>? requested = null, bool render = true)
    {
        var rank = g.SpatialRank;
        var sizes = new long[rank];
        var texts = new string[rank];
        var found = new List<Violation>();
        for (var dim = 0; dim < rank; dim++)
        {
            var result = ForwardDimension(g, dim, input[dim], semantics, requested?[dim], render);
            if (result.Violation is not null)
            {
                found.Add(result.Violation);
            }

            if (result.Size is not long size)
            {
                if (result.Violation is null)
                {
                    return new SpatialOutcome(null, found, texts);
                }

                continue;
            }

            sizes[dim] = size;
            texts[dim] = result.Text;
        }

        // libtorch raises "Output size is too small" for a ConvTranspose only on some code paths and returns an
        // empty tensor on others (measured); either way it is a bug, so the prediction is the violation.
        return found.Count > 0 ? new SpatialOutcome(null, found, texts) : new SpatialOutcome(sizes, found, texts);
    }

    /// <summary>BatchNorm, Linear, Flatten and Unflatten: layers that change features or rank rather than spatial sizes.</summary>
    private static LayerOutcome FeatureLayer(LayerGeometry g, TensorShape input)
    {
        var dims = input.CopyOfDims();
        switch (g.Kind)
        {
            case LayerKind.Linear:
                if (g.InChannels is not long inFeatures || g.OutChannels is not long outFeatures || dims.Length == 0)
                {
                    return LayerOutcome.Unknown;
                }

                if (dims[dims.Length - 1] != inFeatures)
                {
                    return LayerOutcome.Fail(new Violation(Rule.ChannelMismatch, "in_features", null,
                        $"mat1 and mat2 shapes cannot be multiplied: Linear({N(inFeatures)}, {N(outFeatures)}) expects {N(inFeatures)} features in the last dimension, but the input {Shape(dims)} has {N(dims[dims.Length - 1])}",
                        Received: dims[dims.Length - 1]));
                }

                dims[dims.Length - 1] = outFeatures;
                return new LayerOutcome(new TensorShape(dims), System.Array.Empty<Violation>(), new[] { $"[…, {N(inFeatures)}] → […, {N(outFeatures)}]" });
            case LayerKind.BatchNorm:
                var expected = g.SpatialRank == 1 ? "2D or 3D" : $"{g.SpatialRank + 2}D";
                if (g.SpatialRank == 1 ? dims.Length is not (2 or 3) : dims.Length != g.SpatialRank + 2)
                {
                    return LayerOutcome.Fail(new Violation(Rule.RankMismatch, null, null,
                        $"{g.TorchName} expected {expected} input, but got {dims.Length}D input {Shape(dims)}"));
                }

                if (g.InChannels is long features && dims[1] != features)
                {
                    return LayerOutcome.Fail(new Violation(Rule.ChannelMismatch, "num_features", null,
                        $"running_mean should contain {N(dims[1])} elements not {N(features)}: {g.TorchName}({N(features)}) receives {N(dims[1])} channels (input {Shape(dims)})",
                        Received: dims[1]));
                }

                return g.InChannels is null ? LayerOutcome.Unknown : new LayerOutcome(input, System.Array.Empty<Violation>(), new[] { "shape unchanged" });
            case LayerKind.Flatten:
                return Flatten(g, dims);
            default:
                return Unflatten(g, dims);
        }
    }

    private static LayerOutcome Flatten(LayerGeometry g, long[] dims)
    {
        if (g.StartDim is not long startDim || g.EndDim is not long endDim)
        {
            return LayerOutcome.Unknown;
        }

        var rank = System.Math.Max(dims.Length, 1);
        var start = startDim < 0 ? startDim + rank : startDim;
        var end = endDim < 0 ? endDim + rank : endDim;
        if (start < 0 || start >= rank || end < 0 || end >= rank)
        {
            return LayerOutcome.Fail(new Violation(Rule.RankMismatch, startDim < 0 || startDim >= rank ? "start_dim" : "end_dim", null,
                $"Dimension out of range (expected to be in range of [{N(-rank)}, {N(rank - 1)}]): Flatten({N(startDim)}, {N(endDim)}) on a {dims.Length}D input {Shape(dims)}"));
        }

        if (start > end)
        {
            return LayerOutcome.Fail(new Violation(Rule.InvalidFlattenDims, "start_dim", null,
                $"flatten() has invalid args: start_dim cannot come after end_dim: Flatten({N(startDim)}, {N(endDim)}) on a {dims.Length}D input is dims {start}..{end}"));
        }

        if (dims.Length == 0)
        {
            return new LayerOutcome(new TensorShape(1L), System.Array.Empty<Violation>(), new[] { "a scalar flattens to [1]" });
        }

        long? product = 1;
        for (var i = start; i <= end; i++)
        {
            product = CheckedMath.Mul(product, dims[i]);
        }

        if (product is not long flat)
        {
            return LayerOutcome.Fail(new Violation(Rule.ArithmeticOverflow, null, null, "the flattened size overflows a 64-bit integer"));
        }

        var result = dims.Take((int)start).Append(flat).Concat(dims.Skip((int)end + 1)).ToArray();
        var text = $"{Shape(dims)} → {Shape(result)}: " + string.Join("·", dims.Skip((int)start).Take((int)(end - start + 1)).Select(N)) + $" = {N(flat)}";
        return new LayerOutcome(new TensorShape(result), System.Array.Empty<Violation>(), new[] { text });
    }

    private static LayerOutcome Unflatten(LayerGeometry g, long[] dims)
    {
        if (g.StartDim is not long dimArgument || g.OutputSize.KnownValues is not { } sizes || dims.Length == 0)
        {
            return LayerOutcome.Unknown;
        }

        var dim = dimArgument;
        if (dim < 0 || dim >= dims.Length)
        {
            return LayerOutcome.Fail(new Violation(Rule.RankMismatch, "dim", null,
                $"Invalid 'dim' argument: {N(dimArgument)}: Unflatten dim must be in 0..{N(dims.Length - 1)} for the {dims.Length}D input {Shape(dims)}"));
        }

        long? known = 1;
        foreach (var size in sizes.Where(s => s != -1))
        {
            known = CheckedMath.Mul(known, size);
        }

        var resolved = sizes.ToArray();
        var unknown = System.Array.IndexOf(resolved, -1L);
        var fits = known is long k && (unknown < 0 ? k == dims[dim] : k > 0 && dims[dim] % k == 0);
        if (!fits)
        {
            return LayerOutcome.Fail(new Violation(Rule.UnflattenSizeMismatch, "unflattened_size", null,
                $"unflatten: Provided sizes {ArithmeticText.Tuple(sizes)} don't multiply up to the size of dim {N(dim)} ({N(dims[dim])}) in the input {Shape(dims)}"));
        }

        if (unknown >= 0)
        {
            resolved[unknown] = dims[dim] / known!.Value;
        }

        var result = dims.Take((int)dim).Concat(resolved).Concat(dims.Skip((int)dim + 1)).ToArray();
        return new LayerOutcome(new TensorShape(result), System.Array.Empty<Violation>(), new[] { $"{Shape(dims)} → {Shape(result)}" });
    }

    /// <summary>
    /// TorchSharp's <c>forward(x, output_size)</c> checks the requested sizes in C# before libtorch sees the layer,
    /// with the raw formula (an invalid stride gives an empty range, so the request always fails).
    /// </summary>
    private static IEnumerable<Violation> CheckRequestedOutputSize(LayerGeometry g, IReadOnlyList<long> input, IReadOnlyList<long> requested)
    {
        for (var dim = 0; dim < g.SpatialRank; dim++)
        {
            if (g.Kernel[dim] is not long k || g.Stride[dim] is not long s || g.Dilation[dim] is not long d || g.Padding[dim] is not long p)
            {
                continue;
            }

            var minimum = CheckedMath.Add(CheckedMath.Add(CheckedMath.Sub(CheckedMath.Mul(input[dim] - 1, s), CheckedMath.Mul(2, p)), CheckedMath.Mul(d, k - 1)), 1);
            var maximum = CheckedMath.Add(minimum, s - 1);
            if (minimum is not long min || maximum is not long max)
            {
                yield return Overflow(g, dim).Violation!;
                continue;
            }

            if (requested[dim] < min || requested[dim] > max)
            {
                var range = ConvTranspose(input[dim], k, s, p, d, 0, min);
                yield return new Violation(Rule.OutputSizeOutOfRange, "output_size", dim,
                    $"Requested an output size of {N(requested[dim])} in {Dim(g, dim)}, but valid sizes range from {N(min)} to {N(max)}: {range}, plus up to stride−1 = {N(s - 1)}");
            }
        }
    }

    /// <summary>
    /// What one spatial dimension of the layer gives for an input size, without texts: the size (0 when there is none)
    /// and an outcome code — 0 for a size, otherwise what stops it (an input below 1, the rule broken) — such that two
    /// inputs with the same code take the same path through <see cref="Forward"/>. The free-size replay evaluates it.
    /// </summary>
    internal static long SpatialSize(LayerGeometry g, int dim, long input, OutputPaddingSemantics semantics, out int outcome)
    {
        if (input < 1)
        {
            outcome = -1;
            return 0;
        }

        if (g.Stride[dim] is long stride && stride < 1)
        {
            // Forward rejects the layer whatever the input, and computes no size in this dimension.
            outcome = -3;
            return 0;
        }

        var result = ForwardDimension(g, dim, input, semantics, null, render: false);
        if (result.Violation is { } violation)
        {
            outcome = 1 + ((int)violation.Rule * 2) + (violation.MayReturnEmpty ? 1 : 0);
            return 0;
        }

        if (result.Size is not long size)
        {
            outcome = -2;
            return 0;
        }

        outcome = 0;
        return size;
    }

    /// <summary>
    /// <see cref="SpatialSize"/> of one layer dimension as a few integer operations, for the free-size replay that
    /// evaluates it for thousands of sizes: zeros-padded convolutions, transposed convolutions and max/avg pools with
    /// modest hyperparameters. Anything else (padding modes, 3-D average pools, upsampling, large values) keeps the
    /// full <see cref="SpatialSize"/>. Tests hold the two equal on random layers and sizes.
    /// </summary>
    internal sealed class SpatialPlan
    {
        private const long Modest = 1L << 20;
        private const long Largest = 1L << 40;
        private readonly LayerGeometry _g;
        private readonly int _dim;
        private readonly OutputPaddingSemantics _semantics;
        private readonly Form _form;
        private readonly long _offset;
        private readonly long _stride;
        private readonly long _padding;
        private readonly bool _ceil;
        private readonly int _tooSmall;
        private readonly int _tooSmallEmpty;

        private SpatialPlan(LayerGeometry g, int dim, OutputPaddingSemantics semantics)
        {
            _g = g;
            _dim = dim;
            _semantics = semantics;
            _tooSmall = 1 + ((int)Rule.OutputTooSmall * 2);
            _tooSmallEmpty = _tooSmall + 1;
            _form = Form.Full;
            if (g.Kernel[dim] is not long k || g.Stride[dim] is not long s || !IsModest(k) || !IsModest(s) || s < 1 || k < 1)
            {
                return;
            }

            _stride = s;
            switch (g.Kind)
            {
                case LayerKind.Conv when g.PaddingMode == PaddingMode.Zeros && g.Dilation[dim] is long d && IsModest(d):
                    if (g.PaddingKind == PaddingKind.Same)
                    {
                        _form = Form.Identity;
                    }
                    else if (g.PaddingKind == PaddingKind.Valid || (g.PaddingKind == PaddingKind.Explicit && g.Padding[dim] is long p && IsModest(p) && p >= 0))
                    {
                        _padding = g.PaddingKind == PaddingKind.Valid ? 0 : g.Padding[dim]!.Value;
                        _offset = (2 * _padding) - (d * (k - 1)) - 1;
                        _form = Form.Convolution;
                    }

                    break;
                case LayerKind.ConvTranspose when g.Dilation[dim] is long d && g.Padding[dim] is long p && EffectiveOutputPadding(g, dim, semantics) is long op
                    && IsModest(d) && IsModest(p) && IsModest(op):
                    _offset = -s - (2 * p) + (d * (k - 1)) + op + 1;
                    _form = Form.Transposed;
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool when !(g.Kind == LayerKind.AvgPool && g.SpatialRank == 3) && g.Padding[dim] is long p && g.CeilMode is bool ceil
                    && (g.Kind == LayerKind.AvgPool ? 1 : g.Dilation[dim]) is long d && IsModest(d) && IsModest(p):
                    _padding = p;
                    _ceil = ceil;
                    _offset = (2 * p) - (d * (k - 1)) - 1 + (ceil ? s - 1 : 0);
                    _form = Form.Pool;
                    break;
            }
        }

        private enum Form
        {
            Full,
            Identity,
            Convolution,
            Transposed,
            Pool,
        }

        public static SpatialPlan For(LayerGeometry g, int dim, OutputPaddingSemantics semantics) => new(g, dim, semantics);

        public long Evaluate(long input, out int outcome)
        {
            if (_form == Form.Full || input < 1 || input > Largest)
            {
                return SpatialSize(_g, _dim, input, _semantics, out outcome);
            }

            outcome = 0;
            switch (_form)
            {
                case Form.Identity:
                    return input;
                case Form.Convolution:
                    if (input + (2 * _padding) < 1 || input + _offset < 0)
                    {
                        outcome = _tooSmall;
                        return 0;
                    }

                    return ((input + _offset) / _stride) + 1;
                case Form.Transposed:
                    var size = (input * _stride) + _offset;
                    if (size < 1)
                    {
                        outcome = size == 0 ? _tooSmallEmpty : _tooSmall;
                        return 0;
                    }

                    return size;
                default:
                    var output = CheckedMath.FloorDiv(input + _offset, _stride) + 1;
                    if (_ceil && (output - 1) * _stride >= input + _padding)
                    {
                        output--;
                    }

                    if (output < 1)
                    {
                        outcome = _tooSmall;
                        return 0;
                    }

                    return output;
            }
        }

        private static bool IsModest(long value) => value > -Modest && value < Modest;
    }

    /// <summary>The per-dimension output padding TorchSharp (or the code's intent) uses.</summary>
    public static long? EffectiveOutputPadding(LayerGeometry g, int dim, OutputPaddingSemantics semantics) =>
        semantics == OutputPaddingSemantics.TorchSharpForward ? g.OutputPadding[0] : g.OutputPadding[dim];

    private readonly struct DimResult
    {
        public DimResult(long? size, string text, Violation? violation)
        {
            Size = size;
            Text = text;
            Violation = violation;
        }

        public long? Size { get; }

        public string Text { get; }

        public Violation? Violation { get; }
    }

    private static DimResult ForwardDimension(LayerGeometry g, int dim, long i, OutputPaddingSemantics semantics, long? requested, bool render = true)
    {
        switch (g.Kind)
        {
            case LayerKind.Conv:
                return ConvDimension(g, dim, i, render);
            case LayerKind.ConvTranspose:
                return TransposedDimension(g, dim, i, semantics, requested, render);
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                return PoolDimension(g, dim, i, render);
            case LayerKind.AdaptiveAvgPool:
            case LayerKind.AdaptiveMaxPool:
                if (g.OutputSize[dim] is not long o)
                {
                    return default;
                }

                return o < 1
                    ? new DimResult(null, string.Empty, new Violation(Rule.OutputTooSmall, "output_size", dim,
                        render ? $"Output size is too small: {g.TorchName} output_size in {Dim(g, dim)} is {N(o)}" : string.Empty, MayReturnEmpty: o == 0))
                    : new DimResult(o, render ? Given(o, "output_size") : string.Empty, null);
            case LayerKind.MaxUnpool:
                return UnpoolDimension(g, dim, i, render);
            default:
                return UpsampleDimension(g, dim, i, render);
        }
    }

    private static DimResult ConvDimension(LayerGeometry g, int dim, long i, bool render)
    {
        if (g.Kernel[dim] is not long k || g.Stride[dim] is not long s || g.Dilation[dim] is not long d)
        {
            return default;
        }

        var span = CheckedMath.Mul(d, k - 1);
        if (span is null)
        {
            return Overflow(g, dim, render);
        }

        long padLeft, padRight;
        if (g.PaddingKind == PaddingKind.Same && g.PaddingMode == PaddingMode.Circular)
        {
            // Measured shapes of Padding.Same with PaddingModes.Circular in TorchSharp 0.107 follow no rule we
            // could pin down: unknown, never guessed.
            return default;
        }

        if (g.PaddingKind == PaddingKind.Same && g.PaddingMode != PaddingMode.Zeros)
        {
            // Measured (and visible in TorchSharp's source): with a non-zeros padding mode TorchSharp 0.107 stores the
            // Same padding of dimension j where F.pad applies it to dimension rank−1−j, so the output keeps the
            // input's size only when those two dimensions need the same padding.
            var mirror = g.SpatialRank - 1 - dim;
            if (g.Kernel[mirror] is not long mk || g.Dilation[mirror] is not long md || CheckedMath.Mul(md, mk - 1) is not long mirrorSpan)
            {
                return default;
            }

            padLeft = mirrorSpan / 2;
            padRight = mirrorSpan - padLeft;
        }
        else if (g.PaddingKind == PaddingKind.Same)
        {
            padLeft = span.Value / 2;
            padRight = span.Value - padLeft;
        }
        else if (g.PaddingKind == PaddingKind.Valid)
        {
            padLeft = padRight = 0;
        }
        else if (g.Padding[dim] is long p)
        {
            padLeft = padRight = p;
        }
        else
        {
            return default;
        }

        var modeViolation = CheckPaddingMode(g, dim, i, padLeft, padRight, render);
        if (modeViolation is not null)
        {
            return new DimResult(null, string.Empty, modeViolation);
        }

        if (g.PaddingKind == PaddingKind.Same && g.PaddingMode == PaddingMode.Zeros)
        {
            return new DimResult(i, render ? Same(i, k, d) : string.Empty, null);
        }

        var padded = CheckedMath.Add(CheckedMath.Add(i, padLeft), padRight);
        if (padded is long cropped && cropped < 1)
        {
            return new DimResult(null, string.Empty, new Violation(Rule.OutputTooSmall, "padding", dim,
                render ? $"Negative padding value is resulting in an empty dimension: PaddingModes.{g.PaddingMode} with padding {N(padLeft)} crops {Dim(g, dim)} to {N(i)} + 2·{N(padLeft)} = {N(cropped)}" : string.Empty));
        }

        var numerator = CheckedMath.Sub(CheckedMath.Sub(padded, span), 1);
        if (numerator is null)
        {
            return Overflow(g, dim, render);
        }

        var output = CheckedMath.FloorDiv(numerator.Value, s) + 1;
        var text = !render ? string.Empty : padLeft == padRight ? Conv(i, k, s, padLeft, d, output) : ConvAsymmetric(i, k, s, padLeft, padRight, d, output);
        if (numerator.Value < 0)
        {
            return new DimResult(null, text, new Violation(Rule.OutputTooSmall, null, dim,
                render ? $"Kernel size can't be greater than actual input size: in {Dim(g, dim)} the padded input {N(i)} + 2·{N(padLeft)} = {N(padded!.Value)} is smaller than the dilated kernel {N(d)}·({N(k)}−1) + 1 = {N(span.Value + 1)}; {text}" : string.Empty));
        }

        return new DimResult(output, text, null);
    }

    private static DimResult TransposedDimension(LayerGeometry g, int dim, long i, OutputPaddingSemantics semantics, long? requested, bool render)
    {
        if (g.Kernel[dim] is not long k || g.Stride[dim] is not long s || g.Dilation[dim] is not long d || g.Padding[dim] is not long p)
        {
            return default;
        }

        long? op = requested is null ? EffectiveOutputPadding(g, dim, semantics) : 0;
        if (op is null)
        {
            return default;
        }

        var minimum = CheckedMath.Add(CheckedMath.Add(CheckedMath.Sub(CheckedMath.Mul(i - 1, s), CheckedMath.Mul(2, p)), CheckedMath.Mul(d, k - 1)), 1);
        var output = CheckedMath.Add(minimum, op);
        if (output is null)
        {
            return Overflow(g, dim, render);
        }

        if (requested is long wanted)
        {
            // The range was checked by CheckRequestedOutputSize; forward(x, output_size) pads up to the request.
            op = wanted - minimum!.Value;
            output = wanted;
        }

        var text = render ? ConvTranspose(i, k, s, p, d, op.Value, output) : string.Empty;
        if (output.Value < 1)
        {
            return new DimResult(null, text, new Violation(Rule.OutputTooSmall, null, dim,
                render ? $"Output size is too small: in {Dim(g, dim)} {text}" + (output.Value == 0 ? " (libtorch may return an empty tensor instead of raising)" : string.Empty) : string.Empty,
                MayReturnEmpty: output.Value == 0));
        }

        return new DimResult(output, text, null);
    }

    private static DimResult PoolDimension(LayerGeometry g, int dim, long i, bool render)
    {
        if (g.Kernel[dim] is not long k || g.Stride[dim] is not long s || g.Padding[dim] is not long p || g.CeilMode is not bool ceil)
        {
            return default;
        }

        var d = g.Kind == LayerKind.AvgPool ? 1 : g.Dilation[dim];
        if (d is null)
        {
            return default;
        }

        if (g.Kind == LayerKind.AvgPool && g.SpatialRank == 3 && i < k)
        {
            // Measured: avg_pool3d checks the unpadded input against the kernel, whatever the padding.
            return new DimResult(null, string.Empty, new Violation(Rule.OutputTooSmall, null, dim,
                render ? $"input image smaller than kernel size: AvgPool3d needs every input size to be at least its kernel, but {Dim(g, dim)} is {N(i)} < kernel {N(k)} (padding does not count)" : string.Empty));
        }

        var span = CheckedMath.Mul(d, k - 1);
        var numerator = CheckedMath.Sub(CheckedMath.Sub(CheckedMath.Add(i, CheckedMath.Mul(2, p)), span), 1);
        if (ceil)
        {
            numerator = CheckedMath.Add(numerator, s - 1);
        }

        if (numerator is null)
        {
            return Overflow(g, dim, render);
        }

        var output = CheckedMath.FloorDiv(numerator.Value, s) + 1;
        var dropped = false;
        if (ceil && CheckedMath.Mul(output - 1, s) is long start && start >= i + p)
        {
            output--;
            dropped = true;
        }

        var text = render ? Pool(i, k, s, p, d.Value, ceil, output, dropped) : string.Empty;
        if (output < 1)
        {
            return new DimResult(null, text, new Violation(Rule.OutputTooSmall, null, dim, render ? $"Output size is too small: in {Dim(g, dim)} {text}" : string.Empty));
        }

        return new DimResult(output, text, null);
    }

    private static DimResult UnpoolDimension(LayerGeometry g, int dim, long i, bool render)
    {
        if (g.Kernel[dim] is not long k || g.Stride[dim] is not long s || g.Padding[dim] is not long p)
        {
            return default;
        }

        var output = CheckedMath.Add(CheckedMath.Sub(CheckedMath.Mul(i - 1, s), CheckedMath.Mul(2, p)), k);
        if (output is null)
        {
            return Overflow(g, dim, render);
        }

        var text = render ? Unpool(i, k, s, p, output) : string.Empty;
        return output < 1
            ? new DimResult(null, text, new Violation(Rule.OutputTooSmall, null, dim, render ? $"Output size is too small: in {Dim(g, dim)} {text}" : string.Empty))
            : new DimResult(output, text, null);
    }

    private static DimResult UpsampleDimension(LayerGeometry g, int dim, long i, bool render)
    {
        long? output;
        string text;
        if (g.OutputSize.IsPresent)
        {
            output = g.OutputSize[dim];
            text = render && output is long o ? Given(o, "size") : string.Empty;
        }
        else if (g.ScaleFactor[dim] is double scale)
        {
            var exact = i * scale;
            output = exact < long.MaxValue ? (long)System.Math.Floor(exact) : null;
            if (output is null)
            {
                return Overflow(g, dim, render);
            }

            text = render ? Upsample(i, scale, output) : string.Empty;
        }
        else
        {
            return default;
        }

        if (output is not long size)
        {
            return default;
        }

        return size < 1
            ? new DimResult(null, text, new Violation(Rule.OutputTooSmall, g.OutputSize.IsPresent ? "size" : "scale_factor", dim,
                render ? $"Input and output sizes should be greater than 0: in {Dim(g, dim)} the input {N(i)} becomes {text}" : string.Empty))
            : new DimResult(size, text, null);
    }

    private static Violation? CheckPaddingMode(LayerGeometry g, int dim, long i, long padLeft, long padRight, bool render = true)
    {
        var pad = System.Math.Max(padLeft, padRight);
        return g.PaddingMode switch
        {
            PaddingMode.Reflect when pad >= i => new Violation(Rule.PaddingModeExceedsInput, "padding", dim,
                render ? $"Padding size should be less than the corresponding input dimension: PaddingModes.Reflect pads {Dim(g, dim)} by {N(pad)}, but the input is only {N(i)}" : string.Empty),
            PaddingMode.Circular when pad > i => new Violation(Rule.PaddingModeExceedsInput, "padding", dim,
                render ? $"Padding value causes wrapping around more than once: PaddingModes.Circular pads {Dim(g, dim)} by {N(pad)}, more than the input's {N(i)}" : string.Empty),
            _ => null,
        };
    }

    private static Violation? CheckRank(LayerGeometry g, TensorShape input)
    {
        var rank = g.SpatialRank;
        if (g.Kind == LayerKind.Upsample)
        {
            return input.Rank == rank + 2 ? null : new Violation(Rule.RankMismatch, null, null,
                $"Upsample with {rank} spatial sizes expects a {rank + 2}D (batched) input, but got {input.Rank}D input {Shape(input.Dims)}");
        }

        if (input.Rank == rank + 1 || input.Rank == rank + 2)
        {
            return null;
        }

        if (g.Kind == LayerKind.AdaptiveAvgPool && rank >= 2 && input.Rank >= rank && Enumerable.Range(0, rank).All(d => g.OutputSize[d] == 1))
        {
            // libtorch computes an all-ones adaptive average (2-D and 3-D) as a mean over the last dimensions, for any rank.
            return null;
        }

        var expectation = g.Kind.IsConvolution() && g.InChannels is long c
            ? $"Expected {rank + 1}D (unbatched) or {rank + 2}D (batched) input with {N(c)} channels to {g.TorchName}"
            : $"Expected {rank + 1}D (unbatched) or {rank + 2}D (batched) input to {g.TorchName}";
        return new Violation(Rule.RankMismatch, null, null, $"{expectation}, but got {input.Rank}D input {Shape(input.Dims)}");
    }

    private static void ValidateConvolution(LayerGeometry g, OutputPaddingSemantics semantics, List<Violation> found)
    {
        var transposed = g.Kind == LayerKind.ConvTranspose;
        Positive(found, g, null, g.InChannels, Rule.NonPositiveChannels, "in_channels");
        Positive(found, g, null, g.OutChannels, Rule.NonPositiveChannels, "out_channels");
        Positive(found, g, null, g.Groups, Rule.NonPositiveGroups, "groups");
        if (g.Groups is long groups && groups > 0)
        {
            foreach (var (channels, name) in new[] { (g.InChannels, "in_channels"), (g.OutChannels, "out_channels") })
            {
                if (channels is long c && c > 0 && c % groups != 0)
                {
                    found.Add(new Violation(Rule.GroupsDoNotDivideChannels, "groups", null,
                        $"{name} must be divisible by groups, but {N(c)} mod {N(groups)} = {N(c % groups)} (libtorch: expected weight to be divisible by {N(groups)})"));
                }
            }
        }

        if (transposed && g.PaddingMode != PaddingMode.Zeros)
        {
            found.Add(new Violation(Rule.TransposedPaddingMode, "padding_mode", null,
                $"Only PaddingModes.Zeros is supported for ConvTransposeND, but {g.TorchName} is given PaddingModes.{g.PaddingMode}"));
        }

        for (var dim = 0; dim < g.SpatialRank; dim++)
        {
            Positive(found, g, dim, g.Kernel[dim], Rule.NonPositiveKernel, "kernel_size");
            Positive(found, g, dim, g.Stride[dim], Rule.NonPositiveStride, "stride");
            Positive(found, g, dim, g.Dilation[dim], Rule.NonPositiveDilation, "dilation");
            // With a non-zeros padding mode TorchSharp pads with F.pad, which crops for negative values instead of raising.
            if (g.PaddingKind == PaddingKind.Explicit && (transposed || g.PaddingMode == PaddingMode.Zeros))
            {
                NonNegative(found, g, dim, g.Padding[dim], Rule.NegativePadding, "padding");
            }
        }

        if (g.PaddingKind == PaddingKind.Same)
        {
            for (var dim = 0; dim < g.SpatialRank; dim++)
            {
                if (g.Stride[dim] is long s && s > 1)
                {
                    found.Add(new Violation(Rule.SamePaddingStrided, "stride", dim,
                        $"padding='same' is not supported for strided convolutions, but the stride in {Dim(g, dim)} is {N(s)}"));
                    break;
                }
            }
        }

        if (transposed)
        {
            ValidateOutputPadding(g, semantics, found);
        }
    }

    private static void ValidateOutputPadding(LayerGeometry g, OutputPaddingSemantics semantics, List<Violation> found)
    {
        for (var dim = 0; dim < g.SpatialRank; dim++)
        {
            NonNegative(found, g, dim, EffectiveOutputPadding(g, dim, semantics), Rule.NegativeOutputPadding, "output_padding");
        }

        for (var dim = 0; dim < g.SpatialRank; dim++)
        {
            if (EffectiveOutputPadding(g, dim, semantics) is not long op || g.Stride[dim] is not long s || g.Dilation[dim] is not long d)
            {
                continue;
            }

            if (op >= s && op >= d)
            {
                var collapse = semantics == OutputPaddingSemantics.TorchSharpForward && g.OutputPadding[dim] is long written && written != op;
                var message = $"output padding must be smaller than either stride or dilation, but in {Dim(g, dim)} output_padding {N(op)} ≥ stride {N(s)} and ≥ dilation {N(d)}";
                if (collapse)
                {
                    message += $": TorchSharp 0.107 forward(x) applies output_padding[0] = {N(op)} to every dimension, although the code gives {g.OutputPadding}";
                }

                found.Add(new Violation(Rule.OutputPaddingNotSmaller, "output_padding", dim, message, CausedByCollapse: collapse));
            }
        }
    }

    private static void Positive(List<Violation> found, LayerGeometry g, int? dim, long? value, Rule rule, string parameter)
    {
        if (value is long v && v <= 0)
        {
            var where = dim is int d ? $"{parameter} in {Dim(g, d)}" : parameter;
            found.Add(new Violation(rule, parameter, dim, $"{RuleInfo.Of(rule).LibTorchWords}: {where} of {g.TorchName} is {N(v)}, but must be at least 1"));
        }
    }

    private static void NonNegative(List<Violation> found, LayerGeometry g, int dim, long? value, Rule rule, string parameter)
    {
        if (value is long v && v < 0)
        {
            found.Add(new Violation(rule, parameter, dim, $"{RuleInfo.Of(rule).LibTorchWords}: {parameter} in {Dim(g, dim)} of {g.TorchName} is {N(v)}"));
        }
    }

    private static DimResult Overflow(LayerGeometry g, int dim, bool render = true) => new(null, string.Empty, new Violation(Rule.ArithmeticOverflow, null, dim, !render ? string.Empty :
        $"the output size of {g.TorchName} in {Dim(g, dim)} overflows a 64-bit integer: the hyperparameters are far beyond any tensor libtorch can allocate"));

    private static string Dim(LayerGeometry g, int dim) => DimensionName(dim, g.SpatialRank);
}
