using System.Collections.Generic;
using System.Linq;
using static ConvAnalyzers.Arithmetic.ArithmeticText;

namespace ConvAnalyzers.Arithmetic;

/// <summary>The padding and output_padding per dimension with which a ConvTranspose gives its encoder's shape back.</summary>
public sealed record TransposedFix(long[] Padding, long[] OutputPadding)
{
    public bool IsUniform => Padding.Distinct().Count() == 1 && OutputPadding.Distinct().Count() == 1;

    public string Key => string.Join(",", Padding) + ";" + string.Join(",", OutputPadding);
}

/// <summary>A decoder that misses its encoder's shape: the message, and the fix when one exists.</summary>
public sealed record MirrorMismatch(string Message, TransposedFix? Fix, long[] Target);

/// <summary>
/// The pairing rule of DESIGN.md §3: a downsampling layer (a Conv or pool with stride > 1 somewhere) pushes the
/// spatial shape it received; a ConvTranspose with stride > 1 pops it and must return exactly that shape.
/// </summary>
public static class MirrorPairing
{
    public static bool Downsamples(LayerGeometry g) =>
        g.Kind is LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool && Strided(g);

    public static bool Upsamples(LayerGeometry g) =>
        g.Kind == LayerKind.ConvTranspose && Strided(g);

    /// <summary>A stride above 1 in some dimension (asked for every layer of every run: no LINQ).</summary>
    private static bool Strided(LayerGeometry g)
    {
        for (var d = 0; d < g.SpatialRank; d++)
        {
            if (g.Stride[d] is long s && s > 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Null when the decoder returns what the encoder received; else the message: per dimension the arithmetic,
    /// and the output_padding (or padding and output_padding) that fixes it.
    /// </summary>
    public static MirrorMismatch? Mismatch(LayerGeometry decoder, IReadOnlyList<long> decoderInput, IReadOnlyList<long> decoderOutput, string encoderName, IReadOnlyList<long> encoderInput)
    {
        if (decoderOutput.SequenceEqual(encoderInput) || decoderInput.Count != encoderInput.Count)
        {
            return null;
        }

        var parts = new List<string>();
        var fixes = new List<TransposedPadding?>();
        for (var dim = 0; dim < decoder.SpatialRank; dim++)
        {
            if (decoder.Kernel[dim] is not long k || decoder.Stride[dim] is not long s || decoder.Padding[dim] is not long p || decoder.Dilation[dim] is not long d)
            {
                return null;
            }

            var op = ShapeAlgebra.EffectiveOutputPadding(decoder, dim, OutputPaddingSemantics.TorchSharpForward) ?? 0;
            var name = DimensionName(dim, decoder.SpatialRank);
            var text = ConvTranspose(decoderInput[dim], k, s, p, d, op, decoderOutput[dim]);
            if (decoderOutput[dim] != encoderInput[dim])
            {
                parts.Add($"{name} {N(decoderInput[dim])} → {text}, but its encoder layer {encoderName} received {N(encoderInput[dim])}");
            }

            var pairs = OutputPaddingSolver.Solve(decoderInput[dim], encoderInput[dim], k, s, d);
            fixes.Add(pairs.Where(x => x.Padding == p).Select(x => (TransposedPadding?)x).FirstOrDefault() ?? pairs.Select(x => (TransposedPadding?)x).FirstOrDefault());
        }

        var fix = fixes.All(f => f is not null) ? new TransposedFix(fixes.Select(f => f!.Value.Padding).ToArray(), fixes.Select(f => f!.Value.OutputPadding).ToArray()) : null;
        var message = $"{decoder.TorchName}(k={Compact(decoder.Kernel.KnownValues!)}, s={Compact(decoder.Stride.KnownValues!)}, p={Compact(decoder.Padding.KnownValues!)}, op={Compact(decoder.OutputPadding.KnownValues ?? new long[decoder.SpatialRank])}) maps "
            + string.Join("; ", parts) + ": " + Fix(decoder, fixes);
        return new MirrorMismatch(message, fix, encoderInput.ToArray());
    }

    private static string Fix(LayerGeometry decoder, List<TransposedPadding?> fixes)
    {
        if (fixes.Any(f => f is null))
        {
            return "no padding and output_padding give that size with this kernel and stride; change the kernel or stride, or call forward(x, output_size)";
        }

        var paddings = fixes.Select(f => f!.Value.Padding).ToArray();
        var outputPaddings = fixes.Select(f => f!.Value.OutputPadding).ToArray();
        var samePadding = decoder.Padding.KnownValues is { } current && current.SequenceEqual(paddings);
        var uniformOp = outputPaddings.Distinct().Count() == 1;
        var opText = uniformOp ? N(outputPaddings[0]) : Tuple(outputPaddings);
        var fix = samePadding ? $"set output_padding: {opText}" : $"set padding: {(paddings.Distinct().Count() == 1 ? N(paddings[0]) : Tuple(paddings))}, output_padding: {opText}";
        if (!uniformOp)
        {
            fix += " (TorchSharp 0.107's forward(x) would apply only the first element to every dimension: call forward(x, output_size) with the encoder's input size instead)";
        }

        return fix;
    }
}
