using ConvAnalyzers.Arithmetic;
using CsCheck;
using Xunit;

namespace ConvAnalyzers.Tests.Arithmetic;

/// <summary>
/// The free-size replay's compiled layer arithmetic against the layer arithmetic itself: the same size and the same
/// outcome code for every layer and input size, including the ones that fail and those the plan hands back.
/// </summary>
public sealed class SpatialPlanTests
{
    private static readonly Gen<LayerGeometry> Layers = Gen.OneOf(
        Gen.Select(Gen.Long[-1, 7], Gen.Long[-1, 4], Gen.Long[-2, 4], Gen.Long[0, 3], Gen.Int[0, 5]).Select((k, s, p, d, form) =>
            LayerGeometry.Conv(2, 1, 1, [k, 3], stride: [s, 1], padding: [p, 1], dilation: [d, 1],
                paddingKind: form switch { 0 => PaddingKind.Same, 1 => PaddingKind.Valid, _ => PaddingKind.Explicit },
                paddingMode: form == 5 ? PaddingMode.Reflect : form == 4 ? PaddingMode.Circular : PaddingMode.Zeros)),
        Gen.Select(Gen.Long[-1, 7], Gen.Long[-1, 4], Gen.Long[-1, 4], Gen.Long[-1, 4], Gen.Long[0, 3]).Select((k, s, p, op, d) =>
            LayerGeometry.ConvTranspose(2, 1, 1, [k, 2], stride: [s, 2], padding: [p, 0], outputPadding: [op, 0], dilation: [d, 1])),
        Gen.Select(Gen.Long[-1, 6], Gen.Long[-1, 4], Gen.Long[-1, 3], Gen.Long[0, 3], Gen.Bool, Gen.Int[0, 2]).Select((k, s, p, d, ceil, kind) =>
            LayerGeometry.Pool(kind == 0 ? LayerKind.AvgPool : LayerKind.MaxPool, kind == 2 ? 3 : 2, kind == 2 ? [k, 2, 2] : [k, 2], stride: kind == 2 ? [s, 2, 2] : [s, 2],
                padding: kind == 2 ? [p, 0, 0] : [p, 0], dilation: kind == 2 ? [d, 1, 1] : [d, 1], ceilMode: ceil)),
        Gen.Select(Gen.Long[-1, 6], Gen.Long[-1, 4], Gen.Long[-1, 3], Gen.Bool).Select((k, s, p, ceil) =>
            LayerGeometry.Pool(LayerKind.AvgPool, 3, [k, 2, 2], stride: [s, 2, 2], padding: [p, 0, 0], ceilMode: ceil)));

    [Fact]
    public void The_plan_computes_what_the_layer_arithmetic_computes()
    {
        Gen.Select(Layers, Gen.Long[-3, 300]).Sample((layer, size) =>
        {
            foreach (var semantics in new[] { OutputPaddingSemantics.TorchSharpForward, OutputPaddingSemantics.PerDimension })
            {
                var plan = ShapeAlgebra.SpatialPlan.For(layer, 0, semantics);
                var expected = ShapeAlgebra.SpatialSize(layer, 0, size, semantics, out var expectedOutcome);
                var actual = plan.Evaluate(size, out var actualOutcome);
                Assert.True(expected == actual && expectedOutcome == actualOutcome,
                    $"{layer.TorchName} k={layer.Kernel} s={layer.Stride} p={layer.Padding} d={layer.Dilation} op={layer.OutputPadding} {layer.PaddingKind} {layer.PaddingMode} ceil={layer.CeilMode} on {size}: "
                    + $"the arithmetic gives {expected} (outcome {expectedOutcome}), the plan {actual} (outcome {actualOutcome})");
            }
        }, iter: 20_000);
    }
}
