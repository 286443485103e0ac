using System.Collections.Generic;
using System.Text;
using ConvAnalyzers.Arithmetic;

namespace ConvAnalyzers.Binding;

/// <summary>The layers whose shapes the arithmetic knows, in factory and functional form: a new layer is a row here.</summary>
internal static class LayerTable
{
    public static readonly Dictionary<string, (LayerKind Kind, int Rank)> Factories = new()
    {
        ["Conv1d"] = (LayerKind.Conv, 1),
        ["Conv2d"] = (LayerKind.Conv, 2),
        ["Conv3d"] = (LayerKind.Conv, 3),
        ["ConvTranspose1d"] = (LayerKind.ConvTranspose, 1),
        ["ConvTranspose2d"] = (LayerKind.ConvTranspose, 2),
        ["ConvTranspose3d"] = (LayerKind.ConvTranspose, 3),
        ["MaxPool1d"] = (LayerKind.MaxPool, 1),
        ["MaxPool2d"] = (LayerKind.MaxPool, 2),
        ["MaxPool3d"] = (LayerKind.MaxPool, 3),
        ["AvgPool1d"] = (LayerKind.AvgPool, 1),
        ["AvgPool2d"] = (LayerKind.AvgPool, 2),
        ["AvgPool3d"] = (LayerKind.AvgPool, 3),
        ["AdaptiveAvgPool1d"] = (LayerKind.AdaptiveAvgPool, 1),
        ["AdaptiveAvgPool2d"] = (LayerKind.AdaptiveAvgPool, 2),
        ["AdaptiveAvgPool3d"] = (LayerKind.AdaptiveAvgPool, 3),
        ["AdaptiveMaxPool1d"] = (LayerKind.AdaptiveMaxPool, 1),
        ["AdaptiveMaxPool2d"] = (LayerKind.AdaptiveMaxPool, 2),
        ["AdaptiveMaxPool3d"] = (LayerKind.AdaptiveMaxPool, 3),
        ["MaxUnpool1d"] = (LayerKind.MaxUnpool, 1),
        ["MaxUnpool2d"] = (LayerKind.MaxUnpool, 2),
        ["MaxUnpool3d"] = (LayerKind.MaxUnpool, 3),
        ["Upsample"] = (LayerKind.Upsample, 0),
        ["BatchNorm1d"] = (LayerKind.BatchNorm, 1),
        ["BatchNorm2d"] = (LayerKind.BatchNorm, 2),
        ["BatchNorm3d"] = (LayerKind.BatchNorm, 3),
        ["Linear"] = (LayerKind.Linear, 0),
        ["Flatten"] = (LayerKind.Flatten, 0),
        ["Unflatten"] = (LayerKind.Unflatten, 0),
    };

    /// <summary><c>torch.nn.functional</c> forms of the geometry layers.</summary>
    public static readonly Dictionary<string, (LayerKind Kind, int Rank)> Functionals = new()
    {
        ["max_pool1d"] = (LayerKind.MaxPool, 1),
        ["max_pool2d"] = (LayerKind.MaxPool, 2),
        ["max_pool3d"] = (LayerKind.MaxPool, 3),
        ["avg_pool1d"] = (LayerKind.AvgPool, 1),
        ["avg_pool2d"] = (LayerKind.AvgPool, 2),
        ["avg_pool3d"] = (LayerKind.AvgPool, 3),
        ["adaptive_avg_pool1d"] = (LayerKind.AdaptiveAvgPool, 1),
        ["adaptive_avg_pool2d"] = (LayerKind.AdaptiveAvgPool, 2),
        ["adaptive_avg_pool3d"] = (LayerKind.AdaptiveAvgPool, 3),
        ["adaptive_max_pool1d"] = (LayerKind.AdaptiveMaxPool, 1),
        ["adaptive_max_pool2d"] = (LayerKind.AdaptiveMaxPool, 2),
        ["adaptive_max_pool3d"] = (LayerKind.AdaptiveMaxPool, 3),
    };

    /// <summary>Norm and shape-keeping layers not yet checked for channels: their output is their input's shape.</summary>
    public static readonly HashSet<string> ShapeKeepingNorms = new()
    {
        "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LayerNorm",
    };

    /// <summary>
    /// PyTorch's name for a TorchSharp parameter (messages and fixes use PyTorch's): <c>kernelSize</c> →
    /// <c>kernel_size</c>; Linear's <c>inputSize</c>/<c>outputSize</c> → <c>in_features</c>/<c>out_features</c>.
    /// </summary>
    public static string PyTorchName(string method, string parameter)
    {
        switch (parameter)
        {
            case "inputSize" when method == "Linear":
                return "in_features";
            case "outputSize" when method == "Linear":
                return "out_features";
            case "kernelSize" or "kernel_size" or "kernel":
                return "kernel_size";
            case "outputSize" or "output_size":
                return "output_size";
            case "strides":
                return "stride";
            case "padding" or "paddings":
                return "padding";
            case "dilations":
                return "dilation";
        }

        var text = new StringBuilder(parameter.Length + 4);
        foreach (var c in parameter)
        {
            if (char.IsUpper(c))
            {
                text.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
