namespace ConvAnalyzers.Arithmetic;

/// <summary>The layer families whose shapes the arithmetic knows.</summary>
public enum LayerKind
{
    Conv,
    ConvTranspose,
    MaxPool,
    AvgPool,
    AdaptiveAvgPool,
    AdaptiveMaxPool,
    MaxUnpool,
    Upsample,
    BatchNorm,
    Linear,
    Flatten,
    Unflatten,
}

/// <summary>Mirrors <c>TorchSharp.PaddingModes</c>.</summary>
public enum PaddingMode
{
    Zeros,
    Reflect,
    Replicate,
    Circular,
    Constant,
}

/// <summary>How the padding of a convolution was given: numbers, <c>Padding.Same</c> or <c>Padding.Valid</c>.</summary>
public enum PaddingKind
{
    Explicit,
    Same,
    Valid,
}

/// <summary>
/// Which meaning a transposed convolution's tuple output_padding has.
/// TorchSharp 0.107's <c>forward(x)</c> applies the first element to every spatial dimension;
/// PyTorch (and <c>forward(x, output_size)</c>) use each element for its own dimension.
/// </summary>
public enum OutputPaddingSemantics
{
    /// <summary>What TorchSharp 0.107 <c>forward(x)</c> does: output_padding[0] for every dimension.</summary>
    TorchSharpForward,

    /// <summary>What the code asks for: each element for its own dimension.</summary>
    PerDimension,
}

internal static class LayerKindExtensions
{
    public static bool IsConvolution(this LayerKind kind) => kind is LayerKind.Conv or LayerKind.ConvTranspose;

    public static bool IsWindowPool(this LayerKind kind) => kind is LayerKind.MaxPool or LayerKind.AvgPool;

    public static bool IsAdaptivePool(this LayerKind kind) => kind is LayerKind.AdaptiveAvgPool or LayerKind.AdaptiveMaxPool;

    /// <summary>Layers whose output shape is not "channels and spatial sizes": handled by <see cref="ShapeAlgebra"/> apart.</summary>
    public static bool IsFeatureLayer(this LayerKind kind) => kind is LayerKind.BatchNorm or LayerKind.Linear or LayerKind.Flatten or LayerKind.Unflatten;

    /// <summary>The TorchSharp class name, e.g. <c>ConvTranspose2d</c>.</summary>
    public static string TorchName(this LayerKind kind, int spatialRank)
    {
        var suffix = spatialRank is >= 1 and <= 3 ? spatialRank + "d" : string.Empty;
        return kind switch
        {
            LayerKind.Conv => "Conv" + suffix,
            LayerKind.ConvTranspose => "ConvTranspose" + suffix,
            LayerKind.MaxPool => "MaxPool" + suffix,
            LayerKind.AvgPool => "AvgPool" + suffix,
            LayerKind.AdaptiveAvgPool => "AdaptiveAvgPool" + suffix,
            LayerKind.AdaptiveMaxPool => "AdaptiveMaxPool" + suffix,
            LayerKind.MaxUnpool => "MaxUnpool" + suffix,
            LayerKind.BatchNorm => "BatchNorm" + suffix,
            LayerKind.Linear => "Linear",
            LayerKind.Flatten => "Flatten",
            LayerKind.Unflatten => "Unflatten",
            _ => "Upsample",
        };
    }
}
