using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Interpretation;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Binding;

/// <summary>How a module or functional call changes a shape: by the conv-family geometry, or by a tensor-op rule.</summary>
internal enum ModuleRule
{
    /// <summary>Conv, ConvTranspose, pools, Upsample, BatchNorm, Linear, Flatten, Unflatten: <see cref="ShapeAlgebra"/>.</summary>
    Geometry,

    /// <summary>Activations, dropout, Identity: the shape passes through.</summary>
    Neutral,

    /// <summary>PixelShuffle, the norms with channel checks, padding layers, Softmax: a rule of <see cref="TensorOps"/>.</summary>
    Op,
}

/// <summary>
/// One layer built at run time: the call that built it (a factory such as <c>nn.Conv2d(...)</c> or a functional
/// call such as <c>functional.max_pool2d(x, 2)</c>), the geometry its arguments give in this context, and the
/// value behind each parameter (whose <see cref="Value.Origin"/> is where a fix edits it).
/// </summary>
internal sealed class LayerSite
{
    private static int s_sites;

    /// <summary>
    /// Sites are equal only to themselves; their hash is a number given at construction, because the object hash
    /// (<c>RuntimeHelpers.GetHashCode</c>) was a measurable part of the dictionaries that collect sites and records.
    /// </summary>
    private readonly int _hash = System.Threading.Interlocked.Increment(ref s_sites);

    public override int GetHashCode() => _hash;

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <param name="arguments">Not copied: the caller hands over a dictionary nothing changes afterwards.</param>
    public LayerSite(SyntaxNode call, string name, ModuleRule rule, LayerGeometry? geometry, IReadOnlyDictionary<string, Value> arguments, string? unknownReason)
    {
        Call = call;
        Name = name;
        Rule = rule;
        Geometry = geometry;
        Arguments = arguments;
        UnknownReason = unknownReason;
    }

    public SyntaxNode Call { get; }

    /// <summary>The TorchSharp name: <c>Conv2d</c>, <c>ReLU</c>, <c>max_pool2d</c>.</summary>
    public string Name { get; }

    public ModuleRule Rule { get; }

    /// <summary>For <see cref="ModuleRule.Geometry"/>: its hyperparameters, unknown ones null.</summary>
    public LayerGeometry? Geometry { get; }

    /// <summary>The argument value per parameter, by PyTorch's name (<c>in_channels</c>, <c>output_padding</c>).</summary>
    public IReadOnlyDictionary<string, Value> Arguments { get; }

    /// <summary>For <see cref="ModuleRule.Op"/>: the shape rule with this call's arguments; null when one of them is unknown.</summary>
    public System.Func<Dim[], OpOutcome>? Op { get; init; }

    /// <summary>
    /// For <see cref="ModuleRule.Op"/>: the parameters and locals of the member that made the call, with their values
    /// there. A fix may pass another of them instead of the argument written (a norm sized by the block's input
    /// channels where it needs its output channels).
    /// </summary>
    public ImmutableDictionary<ISymbol, Value>? Scope { get; init; }

    /// <summary>Why the geometry could not be built (a value the interpreter does not know), when it could not.</summary>
    public string? UnknownReason { get; }

    /// <summary>
    /// Where a finding about <paramref name="parameter"/> goes (DESIGN §3): the constant responsible when it was
    /// written outside this call (a block's constructor argument, a helper's argument, a config array); else the
    /// argument written in this call; else the call.
    /// </summary>
    public SyntaxNode LocationOf(string? parameter)
    {
        if (parameter is not null && Arguments.TryGetValue(parameter, out var value) && value.Origin is { } origin && !Call.Span.Contains(origin.Span))
        {
            return origin;
        }

        return Call;
    }

    /// <summary>True when the value behind <paramref name="parameter"/> was written outside this call.</summary>
    public bool IsPassedIn(string parameter) =>
        Arguments.TryGetValue(parameter, out var value) && value.Origin is { } origin && !Call.Span.Contains(origin.Span);

    /// <summary>The first parameter whose value is unknown and why: what CONV012 tells.</summary>
    public string? FirstUnknownArgument() =>
        Arguments.Where(a => a.Value is UnknownValue && a.Key is not ("device" or "dtype"))
            .OrderBy(a => ParameterRank(a.Key)).ThenBy(a => a.Key, System.StringComparer.Ordinal)
            .Select(a => $"{a.Key} is unknown: {((UnknownValue)a.Value).Reason}").FirstOrDefault();

    /// <summary>The order messages name unknown parameters in: the layer's own parameter order for the common ones.</summary>
    private static int ParameterRank(string parameter) => System.Array.IndexOf(ParameterOrder, parameter) is var i && i >= 0 ? i : ParameterOrder.Length;

    private static readonly string[] ParameterOrder =
    [
        "in_channels", "in_features", "num_features", "num_groups", "num_channels", "normalized_shape", "out_channels", "out_features",
        "kernel_size", "stride", "padding", "output_padding", "dilation", "groups", "output_size", "size", "scale_factor",
        "upscale_factor", "downscale_factor", "dim",
    ];
}

/// <summary>A module value: a layer, a container, a user module instance is an <see cref="InstanceObject"/> instead.</summary>
internal sealed class LayerModule
{
    public LayerModule(LayerSite site) => Site = site;

    public LayerSite Site { get; }
}

/// <summary>Sequential, ModuleList or ModuleDict: the children live in a <see cref="SequenceObject"/> on the heap.</summary>
internal sealed class ContainerModule
{
    public ContainerModule(string kind, int children)
    {
        Kind = kind;
        Children = children;
    }

    /// <summary><c>Sequential</c>, <c>ModuleList</c> or <c>ModuleDict</c>.</summary>
    public string Kind { get; }

    public int Children { get; }
}

/// <summary>A value of a TorchSharp type the binding does not model further (a dispose scope, a device).</summary>
internal sealed class OpaqueLibraryValue
{
    public static readonly OpaqueLibraryValue DisposeScope = new();
}

internal static class GeometryBuilder
{
    /// <summary>
    /// The geometry of a conv-family layer from its argument values (by PyTorch parameter name), or the reason it
    /// cannot be known. <paramref name="hasPaddingEnum"/>: padding was given as <c>Padding.Same</c>/<c>Valid</c>.
    /// </summary>
    public static (LayerGeometry? Geometry, string? Unknown) Build(LayerKind kind, int rank, IReadOnlyDictionary<string, Value> args, bool hasPaddingEnum)
    {
        Value? V(string name) => args.TryGetValue(name, out var v) ? v : null;
        var g = new LayerGeometry { Kind = kind, SpatialRank = rank };
        switch (kind)
        {
            case LayerKind.Conv:
            case LayerKind.ConvTranspose:
                var paddingKind = PaddingKind.Explicit;
                if (hasPaddingEnum)
                {
                    if (V("padding") is not ConstantValue { Constant: int or long } named && V("padding").AsLong() is not long)
                    {
                        return (null, "the padding mode is unknown");
                    }

                    paddingKind = (V("padding").AsLong() ?? System.Convert.ToInt64(((ConstantValue)V("padding")!).Constant, System.Globalization.CultureInfo.InvariantCulture)) == 1 ? PaddingKind.Same : PaddingKind.Valid;
                }

                var mode = V("padding_mode") is { } m ? m.AsLong() : 0;
                if (mode is not (>= 0 and <= 4))
                {
                    return (null, "padding_mode is unknown");
                }

                g = g with
                {
                    InChannels = V("in_channels").AsLong(),
                    OutChannels = V("out_channels").AsLong(),
                    Groups = V("groups") is { } groups ? groups.AsLong() : 1,
                    Kernel = PerDim(V("kernel_size"), rank, null),
                    Stride = PerDim(V("stride"), rank, 1),
                    Padding = hasPaddingEnum ? PerDim<long>.Uniform(0, rank) : PerDim(V("padding"), rank, 0),
                    Dilation = PerDim(V("dilation"), rank, 1),
                    OutputPadding = kind == LayerKind.ConvTranspose ? PerDim(V("output_padding"), rank, 0) : default,
                    PaddingKind = paddingKind,
                    PaddingMode = (PaddingMode)mode.Value,
                };
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
            case LayerKind.MaxUnpool:
                var kernel = PerDim(V("kernel_size"), rank, null);
                var stride = V("stride");
                g = g with
                {
                    Kernel = kernel,
                    Stride = stride is null or ConstantValue { Constant: null } ? kernel : PerDim(stride, rank, null),
                    Padding = PerDim(V("padding"), rank, 0),
                    Dilation = kind == LayerKind.MaxPool ? PerDim(V("dilation"), rank, 1) : PerDim<long>.Uniform(1, rank),
                    CeilMode = kind == LayerKind.MaxUnpool ? false : V("ceil_mode") is { } ceil ? ceil.AsBool() : false,
                };
                break;
            case LayerKind.AdaptiveAvgPool:
            case LayerKind.AdaptiveMaxPool:
                g = g with { OutputSize = PerDim(V("output_size"), rank, null) };
                break;
            case LayerKind.BatchNorm:
                g = g with { InChannels = V("num_features").AsLong() };
                break;
            case LayerKind.Linear:
                g = g with { InChannels = V("in_features").AsLong(), OutChannels = V("out_features").AsLong() };
                break;
            case LayerKind.Flatten:
                g = g with { StartDim = V("start_dim") is { } s ? s.AsLong() : 1, EndDim = V("end_dim") is { } e ? e.AsLong() : -1 };
                break;
            case LayerKind.Unflatten:
                g = g with { StartDim = V("dim").AsLong(), OutputSize = V("unflattened_size") is TupleValue or ItemsValue ? PerDim(V("unflattened_size"), Items(V("unflattened_size"))?.Count ?? 0, null) : default };
                break;
            case LayerKind.Upsample:
                if (Items(V("size")) is { } size)
                {
                    g = g with { SpatialRank = size.Count, OutputSize = PerDim(V("size"), size.Count, null) };
                }
                else if (Items(V("scale_factor")) is { } scale)
                {
                    g = g with { SpatialRank = scale.Count, ScaleFactor = new PerDim<double>(scale.Select(v => v.AsReal()).ToArray()) };
                }
                else
                {
                    return (null, "Upsample's size and scale_factor are unknown");
                }

                break;
        }

        return (g, null);
    }

    /// <summary>The elements of a tuple or array value (set by the binding before the geometry is built).</summary>
    public static IReadOnlyList<Value>? Items(Value? value) => value switch
    {
        TupleValue t => t.Items,
        ItemsValue s => s.Items,
        _ => null,
    };

    private static PerDim<long> PerDim(Value? value, int rank, long? whenNull)
    {
        switch (value)
        {
            case null:
                return PerDim<long>.Uniform(whenNull, rank);
            case ConstantValue { Constant: null }:
                return PerDim<long>.Uniform(whenNull, rank);
            case NumberValue n:
                return PerDim<long>.Uniform(n.Known, rank);
            default:
                var items = Items(value);
                return items is not null && items.Count == rank
                    ? new PerDim<long>(items.Select(i => i.AsLong()).ToArray())
                    : PerDim<long>.Uniform(null, rank);
        }
    }
}

/// <summary>An array argument read off the heap, held by value so the geometry builder needs no heap.</summary>
internal sealed class ItemsValue : Value
{
    public ItemsValue(ImmutableList<Value> items) => Items = items;

    public ImmutableList<Value> Items { get; }

    public override bool SameAs(Value other) => other is ItemsValue i && i.Items.Count == Items.Count && i.Items.Zip(Items, (a, b) => a.SameAs(b)).All(x => x);
}
