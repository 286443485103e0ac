using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Model;

namespace ConvAnalyzers.LibTorchTests.Oracle;

/// <summary>How a layer's per-dimension arguments are written: the overload TorchSharp binds.</summary>
public enum ArgumentForm
{
    Scalar,
    Tuple,
    Array,
}

/// <summary>One random layer, the overload used to build it, and the tensor it runs on.</summary>
public sealed record OracleCase(
    LayerGeometry Geometry,
    ArgumentForm Form,
    TensorShape Input,
    bool StrideOmitted,
    long[]? RequestedOutputSize,
    Rule? Target)
{
    public override string ToString()
    {
        var g = Geometry;
        return $"{g.TorchName}[{Form}] in={g.InChannels} out={g.OutChannels} groups={g.Groups} k={g.Kernel} s={(StrideOmitted ? "default" : g.Stride.ToString())} "
            + $"p={g.Padding} op={g.OutputPadding} d={g.Dilation} paddingKind={g.PaddingKind} mode={g.PaddingMode} ceil={g.CeilMode} "
            + $"size={g.OutputSize} scale={g.ScaleFactor} input={Input} requested={(RequestedOutputSize is null ? "-" : string.Join(",", RequestedOutputSize))} target={Target}";
    }
}
