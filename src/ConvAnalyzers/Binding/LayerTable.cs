using System.Collections.Generic;
using System.Linq;
using System.Text;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Interpretation;

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

    /// <summary>Words every factory name of <see cref="Factories"/> contains: the text prefilter of the layer analyzer.</summary>
    public static readonly string[] FactoryWords = ["Conv", "Pool", "Unpool", "Upsample", "BatchNorm", "Linear", "latten"];

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

    /// <summary>
    /// The modules whose shape rule is a tensor op (<see cref="TensorOps"/>), built from the
    /// factory's arguments by PyTorch name; null when an argument the rule needs is unknown.
    /// </summary>
    public static readonly Dictionary<string, System.Func<IReadOnlyDictionary<string, Value>, System.Func<Dim[], OpOutcome>?>> OpModules = new()
    {
        ["PixelShuffle"] = a => Long(a, "upscale_factor") is long r ? x => TensorOps.PixelShuffle(x, r) : null,
        ["PixelUnshuffle"] = a => Long(a, "downscale_factor") is long r ? x => TensorOps.PixelUnshuffle(x, r) : null,
        ["GroupNorm"] = a => Long(a, "num_groups") is long g && Long(a, "num_channels") is long c ? x => TensorOps.GroupNorm(x, g, c) : null,
        ["InstanceNorm1d"] = a => Long(a, "num_features") is long c ? x => TensorOps.InstanceNorm(x, c, 1) : null,
        ["InstanceNorm2d"] = a => Long(a, "num_features") is long c ? x => TensorOps.InstanceNorm(x, c, 2) : null,
        ["InstanceNorm3d"] = a => Long(a, "num_features") is long c ? x => TensorOps.InstanceNorm(x, c, 3) : null,
        ["LayerNorm"] = a => Longs(a, "normalized_shape") is { } shape ? x => TensorOps.LayerNorm(x, shape) : null,
        ["Softmax"] = a => Long(a, "dim") is long d ? x => TensorOps.Softmax(x, d) : null,
        ["LogSoftmax"] = a => Long(a, "dim") is long d ? x => TensorOps.Softmax(x, d) : null,
        ["ZeroPad2d"] = a => Pads(a, 2) is { } p ? x => TensorOps.PadLayer(x, p, 2) : null,
        ["ConstantPad1d"] = a => Pads(a, 1) is { } p ? x => TensorOps.PadLayer(x, p, 1, PaddingMode.Constant) : null,
        ["ConstantPad2d"] = a => Pads(a, 2) is { } p ? x => TensorOps.PadLayer(x, p, 2, PaddingMode.Constant) : null,
        ["ConstantPad3d"] = a => Pads(a, 3) is { } p ? x => TensorOps.PadLayer(x, p, 3, PaddingMode.Constant) : null,
        ["ReflectionPad1d"] = a => Pads(a, 1) is { } p ? x => TensorOps.PadLayer(x, p, 1, PaddingMode.Reflect) : null,
        ["ReflectionPad2d"] = a => Pads(a, 2) is { } p ? x => TensorOps.PadLayer(x, p, 2, PaddingMode.Reflect) : null,
        ["ReflectionPad3d"] = a => Pads(a, 3) is { } p ? x => TensorOps.PadLayer(x, p, 3, PaddingMode.Reflect) : null,
        ["ReplicationPad1d"] = a => Pads(a, 1) is { } p ? x => TensorOps.PadLayer(x, p, 1, PaddingMode.Replicate) : null,
        ["ReplicationPad2d"] = a => Pads(a, 2) is { } p ? x => TensorOps.PadLayer(x, p, 2, PaddingMode.Replicate) : null,
        ["ReplicationPad3d"] = a => Pads(a, 3) is { } p ? x => TensorOps.PadLayer(x, p, 3, PaddingMode.Replicate) : null,
    };

    private static long? Long(IReadOnlyDictionary<string, Value> arguments, string name) =>
        arguments.TryGetValue(name, out var value) ? value.AsLong() : null;

    /// <summary>A size or a list of sizes (LayerNorm's normalized_shape takes both).</summary>
    private static IReadOnlyList<long>? Longs(IReadOnlyDictionary<string, Value> arguments, string name)
    {
        if (!arguments.TryGetValue(name, out var value))
        {
            return null;
        }

        if (value.AsLong() is long single)
        {
            return [single];
        }

        var items = GeometryBuilder.Items(value)?.Select(v => v.AsLong()).ToList();
        return items is not null && items.All(i => i is not null) ? items.Select(i => i!.Value).ToList() : null;
    }

    /// <summary>A padding layer's padding: one size for every side, or a tuple per side (left, right, top, bottom, ...).</summary>
    private static IReadOnlyList<long>? Pads(IReadOnlyDictionary<string, Value> arguments, int rank) =>
        Long(arguments, "padding") is long all ? Enumerable.Repeat(all, 2 * rank).ToList()
        : Longs(arguments, "padding") is { } each && each.Count == 2 * rank ? each : null;

    /// <summary>
    /// PyTorch's name for a TorchSharp parameter (messages and fixes use PyTorch's): <c>kernelSize</c> →
    /// <c>kernel_size</c>; Linear's <c>inputSize</c>/<c>outputSize</c> → <c>in_features</c>/<c>out_features</c>.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Method, string Parameter), string> PyTorchNames = new();

    /// <summary>The PyTorch name of a TorchSharp parameter (<c>kernelSize</c> → <c>kernel_size</c>), kept once computed.</summary>
    public static string PyTorchName(string method, string parameter) =>
        PyTorchNames.TryGetValue((method, parameter), out var name) ? name : PyTorchNames.GetOrAdd((method, parameter), static key => ComputePyTorchName(key.Method, key.Parameter));

    private static string ComputePyTorchName(string method, string parameter)
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
