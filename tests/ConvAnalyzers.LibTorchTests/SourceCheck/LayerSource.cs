using System.Globalization;
using System.Text;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.LibTorchTests.Oracle;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// Writes an oracle case as the C# a user would write: positional or named arguments, scalars, tuples or
/// arrays (the case's overload), and sometimes constants held in const locals or static readonly fields.
/// </summary>
public static class LayerSource
{
    /// <summary>A class with <c>Build()</c> returning the layer and <c>Run(x)</c> applying it.</summary>
    public static string Class(string name, OracleCase c, Random rng)
    {
        var named = rng.Next(2) == 0;
        var preamble = new StringBuilder();
        var fields = new StringBuilder();
        var args = Arguments(c, rng, named, preamble, fields);
        var g = c.Geometry;
        var call = $"nn.{g.TorchName}({string.Join(", ", args)})";
        var run = g.Kind == LayerKind.MaxUnpool
            ? "var layer = Build(); return layer.forward(x, torch.zeros(x.shape, dtype: torch.int64), null);"
            : "return Build().call(x);";
        var buildType = g.Kind == LayerKind.MaxUnpool ? $"TorchSharp.Modules.{g.TorchName}" : "nn.Module<Tensor, Tensor>";
        return $$"""
            using TorchSharp;
            using static TorchSharp.torch;

            public static class {{name}}
            {
            {{fields}}
                public static {{buildType}} Build()
                {
            {{preamble}}        return {{call}};
                }

                public static Tensor Run(Tensor x)
                {
                    {{run}}
                }
            }
            """;
    }

    private static List<string> Arguments(OracleCase c, Random rng, bool named, StringBuilder preamble, StringBuilder fields)
    {
        var g = c.Geometry;
        var list = new List<(string Name, string Value)>();
        string Dims(PerDim<long> values) => Write(values.KnownValues!, c.Form);
        switch (g.Kind)
        {
            case LayerKind.Conv:
            case LayerKind.ConvTranspose:
                list.Add(("in_channels", Constant(g.InChannels!.Value, rng, preamble, fields, "InChannels")));
                list.Add(("out_channels", Constant(g.OutChannels!.Value, rng, preamble, fields, "OutChannels")));
                list.Add(("kernel_size", c.Form == ArgumentForm.Scalar ? Constant(g.Kernel[0]!.Value, rng, preamble, fields, "Kernel") : Dims(g.Kernel)));
                if (g.PaddingKind != PaddingKind.Explicit)
                {
                    list.Add(("padding", g.PaddingKind == PaddingKind.Same ? "Padding.Same" : "Padding.Valid"));
                    list.Add(("stride", Dims(g.Stride)));
                }
                else
                {
                    list.Add(("stride", Dims(g.Stride)));
                    list.Add(("padding", Dims(g.Padding)));
                    if (g.Kind == LayerKind.ConvTranspose)
                    {
                        list.Add(("output_padding", Dims(g.OutputPadding)));
                    }
                }

                list.Add(("dilation", Dims(g.Dilation)));
                list.Add(("padding_mode", "PaddingModes." + g.PaddingMode));
                list.Add(("groups", Constant(g.Groups!.Value, rng, preamble, fields, "Groups")));
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                list.Add(("kernel_size", Dims(g.Kernel)));
                list.Add(("stride", c.StrideOmitted ? "null" : Dims(g.Stride)));
                list.Add(("padding", Dims(g.Padding)));
                if (g.Kind == LayerKind.MaxPool)
                {
                    list.Add(("dilation", Dims(g.Dilation)));
                }

                list.Add(("ceil_mode", g.CeilMode == true ? "true" : "false"));
                break;
            case LayerKind.AdaptiveAvgPool:
            case LayerKind.AdaptiveMaxPool:
                list.Add(("output_size", Dims(g.OutputSize)));
                break;
            case LayerKind.MaxUnpool:
                list.Add(("kernel_size", Dims(g.Kernel)));
                list.Add(("stride", Dims(g.Stride)));
                list.Add(("padding", Dims(g.Padding)));
                break;
            case LayerKind.BatchNorm:
                return [Constant(g.InChannels!.Value, rng, preamble, fields, "Features")];
            case LayerKind.Linear:
                return named
                    ? [$"inputSize: {Constant(g.InChannels!.Value, rng, preamble, fields, "InFeatures")}", $"outputSize: {Number(g.OutChannels!.Value)}"]
                    : [Constant(g.InChannels!.Value, rng, preamble, fields, "InFeatures"), Number(g.OutChannels!.Value)];
            case LayerKind.Flatten:
                return named ? [$"start_dim: {Number(g.StartDim!.Value)}", $"end_dim: {Number(g.EndDim!.Value)}"] : [Number(g.StartDim!.Value), Number(g.EndDim!.Value)];
            case LayerKind.Unflatten:
                return [Number(g.StartDim!.Value), Write(g.OutputSize.KnownValues!, ArgumentForm.Array)];
            default:
                return g.OutputSize.IsPresent
                    ? ["size: " + Write(g.OutputSize.KnownValues!, ArgumentForm.Array)]
                    : ["scale_factor: new double[] { " + string.Join(", ", g.ScaleFactor.KnownValues!.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + " }"];
        }

        // Positional as far as the signature allows; named from the fourth argument on in the named style. A literal 0
        // in fourth position of a conv converts to the Padding enum too (C#'s zero-to-enum rule), so it is named there.
        // Likewise a named `padding: 0` fits the Padding overload as well: it is left to its default.
        return list.Select((a, i) => (named && i >= 3) || (i == 3 && a.Value == "0") ? $"{a.Name}: {a.Value}" : a.Value)
            .Where(a => a != "padding: 0" || !g.Kind.IsConvolutionKind())
            .ToList();
    }

    private static bool IsConvolutionKind(this LayerKind kind) => kind is LayerKind.Conv or LayerKind.ConvTranspose;

    private static string Write(long[] values, ArgumentForm form) => form switch
    {
        ArgumentForm.Scalar => Number(values[0]),
        ArgumentForm.Tuple => "(" + string.Join(", ", values.Select(Number)) + ")",
        _ => "new long[] { " + string.Join(", ", values.Select(Number)) + " }",
    };

    /// <summary>Sometimes a literal, sometimes a const local, a local assigned once, or a static readonly field.</summary>
    private static string Constant(long value, Random rng, StringBuilder preamble, StringBuilder fields, string name)
    {
        switch (rng.Next(5))
        {
            case 0:
                preamble.AppendLine($"        const long {name} = {Number(value)};");
                return name;
            case 1:
                preamble.AppendLine($"        var {name.ToLowerInvariant()} = {Number(value)};");
                return name.ToLowerInvariant();
            case 2:
                fields.AppendLine($"    private static readonly long {name} = {Number(value)};");
                return name;
            default:
                return Number(value);
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
