using ConvAnalyzers.Arithmetic;
using TorchSharp;
using static TorchSharp.torch;
using TsPaddingModes = TorchSharp.PaddingModes;

namespace ConvAnalyzers.LibTorchTests.Oracle;

/// <summary>Builds the real TorchSharp layer for an oracle case through the overload its form names.</summary>
public static class TorchLayerFactory
{
    /// <summary>Builds the layer (this alone may throw, as TorchSharp's constructors do) and returns its forward.</summary>
    public static Func<Tensor, Tensor> Build(OracleCase c)
    {
        var g = c.Geometry;
        return g.Kind switch
        {
            LayerKind.Conv => Conv(g, c.Form),
            LayerKind.ConvTranspose => ConvTranspose(g, c.Form, c.RequestedOutputSize),
            LayerKind.MaxPool => MaxPool(g, c.Form, c.StrideOmitted),
            LayerKind.AvgPool => AvgPool(g, c.Form, c.StrideOmitted),
            LayerKind.AdaptiveAvgPool or LayerKind.AdaptiveMaxPool => Adaptive(g, c.Form),
            LayerKind.MaxUnpool => Unpool(g, c.Form),
            LayerKind.BatchNorm => (g.SpatialRank switch
            {
                1 => (nn.Module<Tensor, Tensor>)nn.BatchNorm1d(g.InChannels!.Value),
                2 => nn.BatchNorm2d(g.InChannels!.Value),
                _ => nn.BatchNorm3d(g.InChannels!.Value),
            }).call,
            LayerKind.Linear => nn.Linear(g.InChannels!.Value, g.OutChannels!.Value).call,
            LayerKind.Flatten => nn.Flatten(g.StartDim!.Value, g.EndDim!.Value).call,
            LayerKind.Unflatten => nn.Unflatten(g.StartDim!.Value, g.OutputSize.KnownValues!).call,
            _ => Upsample(g),
        };
    }

    private static Func<Tensor, Tensor> Conv(LayerGeometry g, ArgumentForm form)
    {
        var (cin, cout, groups) = (g.InChannels!.Value, g.OutChannels!.Value, g.Groups!.Value);
        var k = g.Kernel.KnownValues!;
        var s = g.Stride.KnownValues!;
        var p = g.Padding.KnownValues!;
        var d = g.Dilation.KnownValues!;
        var mode = (TsPaddingModes)(int)g.PaddingMode;
        var named = g.PaddingKind == PaddingKind.Same ? Padding.Same : Padding.Valid;
        var explicitPadding = g.PaddingKind == PaddingKind.Explicit;
        nn.Module<Tensor, Tensor> layer = (g.SpatialRank, form, explicitPadding) switch
        {
            (1, _, true) => nn.Conv1d(cin, cout, k[0], s[0], p[0], d[0], mode, groups),
            (1, _, false) => nn.Conv1d(cin, cout, k[0], named, s[0], d[0], mode, groups),
            (2, ArgumentForm.Scalar, true) => nn.Conv2d(cin, cout, k[0], s[0], p[0], d[0], mode, groups),
            (2, ArgumentForm.Scalar, false) => nn.Conv2d(cin, cout, k[0], named, s[0], d[0], mode, groups),
            (2, _, true) => nn.Conv2d(cin, cout, T2(k), T2(s), T2(p), T2(d), mode, groups),
            (2, _, false) => nn.Conv2d(cin, cout, T2(k), named, T2(s), T2(d), mode, groups),
            (3, ArgumentForm.Scalar, true) => nn.Conv3d(cin, cout, k[0], s[0], p[0], d[0], mode, groups),
            (3, ArgumentForm.Scalar, false) => nn.Conv3d(cin, cout, k[0], named, s[0], d[0], mode, groups),
            (3, _, true) => nn.Conv3d(cin, cout, T3(k), T3(s), T3(p), T3(d), mode, groups),
            _ => nn.Conv3d(cin, cout, T3(k), named, T3(s), T3(d), mode, groups),
        };
        return layer.call;
    }

    private static Func<Tensor, Tensor> ConvTranspose(LayerGeometry g, ArgumentForm form, long[]? requested)
    {
        var (cin, cout, groups) = (g.InChannels!.Value, g.OutChannels!.Value, g.Groups!.Value);
        var k = g.Kernel.KnownValues!;
        var s = g.Stride.KnownValues!;
        var p = g.Padding.KnownValues!;
        var op = g.OutputPadding.KnownValues!;
        var d = g.Dilation.KnownValues!;
        var mode = (TsPaddingModes)(int)g.PaddingMode;
        switch (g.SpatialRank, form)
        {
            case (1, _):
                var c1 = nn.ConvTranspose1d(cin, cout, k[0], s[0], p[0], op[0], d[0], mode, groups);
                return requested is null ? c1.call : x => c1.forward(x, requested);
            case (2, ArgumentForm.Scalar):
                var c2 = nn.ConvTranspose2d(cin, cout, k[0], s[0], p[0], op[0], d[0], mode, groups);
                return requested is null ? c2.call : x => c2.forward(x, requested);
            case (2, _):
                var t2 = nn.ConvTranspose2d(cin, cout, T2(k), T2(s), T2(p), T2(op), T2(d), mode, groups);
                return requested is null ? t2.call : x => t2.forward(x, requested);
            case (3, ArgumentForm.Scalar):
                var c3 = nn.ConvTranspose3d(cin, cout, k[0], s[0], p[0], op[0], d[0], mode, groups);
                return requested is null ? c3.call : x => c3.forward(x, requested);
            default:
                var t3 = nn.ConvTranspose3d(cin, cout, T3(k), T3(s), T3(p), T3(op), T3(d), mode, groups);
                return requested is null ? t3.call : x => t3.forward(x, requested);
        }
    }

    private static Func<Tensor, Tensor> MaxPool(LayerGeometry g, ArgumentForm form, bool strideOmitted)
    {
        var k = g.Kernel.KnownValues!;
        var s = g.Stride.KnownValues!;
        var p = g.Padding.KnownValues!;
        var d = g.Dilation.KnownValues!;
        var ceil = g.CeilMode!.Value;
        nn.Module<Tensor, Tensor> layer = (g.SpatialRank, form) switch
        {
            (1, _) => nn.MaxPool1d(k[0], strideOmitted ? null : s[0], p[0], d[0], ceil),
            (2, ArgumentForm.Scalar) => nn.MaxPool2d(k[0], strideOmitted ? null : s[0], p[0], d[0], ceil),
            (2, ArgumentForm.Tuple) => nn.MaxPool2d(T2(k), strideOmitted ? null : T2(s), T2(p), T2(d), ceil),
            (2, _) => nn.MaxPool2d(k, strideOmitted ? null : s, p, d, ceil),
            (3, ArgumentForm.Scalar) => nn.MaxPool3d(k[0], strideOmitted ? null : s[0], p[0], d[0], ceil),
            (3, ArgumentForm.Tuple) => nn.MaxPool3d(T3(k), strideOmitted ? null : T3(s), T3(p), T3(d), ceil),
            _ => nn.MaxPool3d(k, strideOmitted ? null : s, p, d, ceil),
        };
        return layer.call;
    }

    private static Func<Tensor, Tensor> AvgPool(LayerGeometry g, ArgumentForm form, bool strideOmitted)
    {
        var k = g.Kernel.KnownValues!;
        var s = g.Stride.KnownValues!;
        var p = g.Padding.KnownValues!;
        var ceil = g.CeilMode!.Value;
        nn.Module<Tensor, Tensor> layer = (g.SpatialRank, form) switch
        {
            (1, _) => nn.AvgPool1d(k[0], strideOmitted ? null : s[0], p[0], ceil),
            (2, ArgumentForm.Scalar) => nn.AvgPool2d(k[0], strideOmitted ? null : s[0], p[0], ceil),
            (2, ArgumentForm.Tuple) => nn.AvgPool2d(T2(k), strideOmitted ? null : T2(s), T2(p), ceil),
            (2, _) => nn.AvgPool2d(k, strideOmitted ? null : s, p, ceil),
            (3, ArgumentForm.Scalar) => nn.AvgPool3d(k[0], strideOmitted ? null : s[0], p[0], ceil),
            (3, ArgumentForm.Tuple) => nn.AvgPool3d(T3(k), strideOmitted ? null : T3(s), T3(p), ceil),
            _ => nn.AvgPool3d(k, strideOmitted ? null : s, p, ceil),
        };
        return layer.call;
    }

    private static Func<Tensor, Tensor> Adaptive(LayerGeometry g, ArgumentForm form)
    {
        var o = g.OutputSize.KnownValues!;
        nn.Module<Tensor, Tensor> layer = (g.Kind, g.SpatialRank, form) switch
        {
            (LayerKind.AdaptiveAvgPool, 1, _) => nn.AdaptiveAvgPool1d(o[0]),
            (LayerKind.AdaptiveAvgPool, 2, ArgumentForm.Scalar) => nn.AdaptiveAvgPool2d(o[0]),
            (LayerKind.AdaptiveAvgPool, 2, ArgumentForm.Tuple) => nn.AdaptiveAvgPool2d(T2(o)),
            (LayerKind.AdaptiveAvgPool, 2, _) => nn.AdaptiveAvgPool2d(o),
            (LayerKind.AdaptiveAvgPool, 3, ArgumentForm.Scalar) => nn.AdaptiveAvgPool3d(o[0]),
            (LayerKind.AdaptiveAvgPool, 3, ArgumentForm.Tuple) => nn.AdaptiveAvgPool3d(T3(o)),
            (LayerKind.AdaptiveAvgPool, 3, _) => nn.AdaptiveAvgPool3d(o),
            (_, 1, _) => nn.AdaptiveMaxPool1d(o[0]),
            (_, 2, _) => nn.AdaptiveMaxPool2d(o),
            _ => nn.AdaptiveMaxPool3d(o),
        };
        return layer.call;
    }

    private static Func<Tensor, Tensor> Unpool(LayerGeometry g, ArgumentForm form)
    {
        var k = g.Kernel.KnownValues!;
        var s = g.Stride.KnownValues!;
        var p = g.Padding.KnownValues!;
        Func<Tensor, Tensor, Tensor> forward = (g.SpatialRank, form) switch
        {
            (1, _) => nn.MaxUnpool1d(k[0], s[0], p[0]) is var u1 ? (x, i) => u1.forward(x, i, null) : null!,
            (2, ArgumentForm.Scalar) => nn.MaxUnpool2d(k[0], s[0], p[0]) is var u2 ? (x, i) => u2.forward(x, i, null) : null!,
            (2, ArgumentForm.Tuple) => nn.MaxUnpool2d(T2(k), T2(s), T2(p)) is var u3 ? (x, i) => u3.forward(x, i, null) : null!,
            (2, _) => nn.MaxUnpool2d(k, s, p) is var u4 ? (x, i) => u4.forward(x, i, null) : null!,
            (3, ArgumentForm.Scalar) => nn.MaxUnpool3d(k[0], s[0], p[0]) is var u5 ? (x, i) => u5.forward(x, i, null) : null!,
            (3, ArgumentForm.Tuple) => nn.MaxUnpool3d(T3(k), T3(s), T3(p)) is var u6 ? (x, i) => u6.forward(x, i, null) : null!,
            _ => nn.MaxUnpool3d(k, s, p) is var u7 ? (x, i) => u7.forward(x, i, null) : null!,
        };

        // Index 0 is in range for every output of at least one element.
        return x => forward(x, zeros(x.shape, dtype: int64));
    }

    private static Func<Tensor, Tensor> Upsample(LayerGeometry g)
    {
        var layer = g.OutputSize.IsPresent
            ? nn.Upsample(size: g.OutputSize.KnownValues!)
            : nn.Upsample(scale_factor: g.ScaleFactor.KnownValues!);
        return layer.call;
    }

    private static (long, long) T2(long[] v) => (v[0], v[1]);

    private static (long, long, long) T3(long[] v) => (v[0], v[1], v[2]);
}
