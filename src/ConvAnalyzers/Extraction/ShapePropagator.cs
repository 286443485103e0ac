using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Extraction;

/// <summary>A downsampling layer's input, waiting for the transposed layer that must give it back.</summary>
internal sealed record PushedShape(long[] Spatial, LayerCall Encoder);

/// <summary>A tensor flowing through the network: its shape and the encoder shapes its decoder owes.</summary>
/// <param name="AnyChannels">The channel count is not known (a sweep over input sizes): the first layer that expects channels sets it.</param>
internal sealed record TensorValue(TensorShape Shape, ImmutableStack<PushedShape> Pending, bool AnyChannels = false)
{
    /// <summary>The layer that set the channel (or feature) count this tensor has, when it is a layer the user can change.</summary>
    public LayerCall? Producer { get; init; }

    public static TensorValue Input(TensorShape shape) => new(shape, ImmutableStack<PushedShape>.Empty);
}

/// <summary>One layer applied to one value: what it received, what came out, and who set the channels it received.</summary>
internal sealed record LayerRun(TensorShape LayerInput, LayerOutcome Outcome, LayerCall Call, LayerCall? Producer);

/// <summary>What propagation found, by source location, for every input: turned into diagnostics by the analyzer.</summary>
internal sealed class PropagationReport
{
    public Dictionary<Location, List<(string Input, LayerRun Run)>> Layers { get; } = new();

    public Dictionary<Location, List<(string Input, MirrorMismatch Mismatch)>> Pairings { get; } = new();

    public Dictionary<Location, List<(string Input, string Message)>> Drops { get; } = new();

    public Dictionary<Location, List<(string Input, string Message)>> Joins { get; } = new();

    /// <summary>Layers reached whose output could not be known (an argument that is not a constant): the flow stopped there.</summary>
    public List<LayerCall> Unknown { get; } = new();

    /// <summary>Per decoder layer: the spatial shape its paired encoder layer received (what it should give back), with that layer's name.</summary>
    public Dictionary<Location, (long[] Spatial, string Encoder)> PairTargets { get; } = new();

    /// <summary>Per decoder layer: how often it gave its encoder's shape back, and the first time it did not.</summary>
    public Dictionary<Location, (int Matched, int Missed, string? FirstMiss)> PairOutcomes { get; } = new();

    public static void Add<T>(Dictionary<Location, List<(string, T)>> map, Location location, string input, T item)
    {
        if (!map.TryGetValue(location, out var list))
        {
            map[location] = list = new List<(string, T)>();
        }

        list.Add((input, item));
    }
}

/// <summary>Runs flow steps on a known input with the arithmetic, applying the pairing rule; stops at the first failure.</summary>
internal sealed class ShapePropagator
{
    private readonly PropagationReport _report;
    private readonly string _input;
    private readonly ModuleRunner? _runner;

    public ShapePropagator(PropagationReport report, string input, ModuleRunner? runner = null)
    {
        _report = report;
        _input = input;
        _runner = runner;
    }

    /// <summary>Every layer the flow ran, with the shape it returned (for messages that walk the trace).</summary>
    public List<(LayerCall Call, TensorShape Output)> Trace { get; } = new();

    /// <summary>Every module stage applied, in execution order, shape-keeping ones included (what a mirror decoder reverses).</summary>
    public List<(FlowStep Step, TensorShape Input, TensorShape Output)> Stages { get; } = new();

    public TensorValue? Apply(FlowStep step, TensorValue? value, IReadOnlyList<long>? requestedOutputSize = null)
    {
        if (value is null)
        {
            return null;
        }

        switch (step)
        {
            case NeutralStep:
                Stages.Add((step, value.Shape, value.Shape));
                return value;
            case SequenceStep sequence:
                foreach (var inner in sequence.Steps)
                {
                    value = Apply(inner, value);
                    if (value is null)
                    {
                        return null;
                    }
                }

                return value;
            case LayerStep layer:
                return ApplyLayer(layer.Call, value, requestedOutputSize);
            case ClassStep nested when requestedOutputSize is null:
                return _runner?.Run(nested.Model, value, this);
            default:
                return null;
        }
    }

    private TensorValue? ApplyLayer(LayerCall call, TensorValue value, IReadOnlyList<long>? requestedOutputSize)
    {
        var g = call.Geometry;
        if (value.AnyChannels)
        {
            // A sweep does not know the channels: the first layer that expects some provides them.
            var channelIndex = value.Shape.Rank - g.SpatialRank - 1;
            if (g.Kind is LayerKind.Conv or LayerKind.ConvTranspose or LayerKind.BatchNorm && g.InChannels is long channels && channels > 0 && channelIndex >= 0)
            {
                var dims = value.Shape.Dims.ToArray();
                dims[g.Kind == LayerKind.BatchNorm ? 1 : channelIndex] = channels;
                value = value with { Shape = new TensorShape(dims), AnyChannels = false };
            }
            else if (!(g.Kind.IsWindowPool() || g.Kind.IsAdaptivePool() || g.Kind == LayerKind.Upsample))
            {
                return null;
            }
        }

        var outcome = ShapeAlgebra.Forward(g, value.Shape, OutputPaddingSemantics.TorchSharpForward, requestedOutputSize);
        var location = call.Invocation.Syntax.GetLocation();
        if (!outcome.IsKnown)
        {
            _report.Unknown.Add(call);
            return null;
        }

        PropagationReport.Add(_report.Layers, location, _input, new LayerRun(value.Shape, outcome, call, value.Producer));
        if (!outcome.IsValid)
        {
            return null;
        }

        var output = outcome.Output!;
        Trace.Add((call, output));
        Stages.Add((new LayerStep(call), value.Shape, output));
        var pending = value.Pending;
        if (g.Kind.IsFeatureLayer() && g.Kind != LayerKind.BatchNorm)
        {
            // Flatten, Linear and Unflatten leave the spatial world; a decoder after them starts a new stack.
            pending = ImmutableStack<PushedShape>.Empty;
        }
        else if (MirrorPairing.Downsamples(g))
        {
            pending = pending.Push(new PushedShape(value.Shape.Spatial(g.SpatialRank), call));
        }
        else if (MirrorPairing.Upsamples(g) && !pending.IsEmpty)
        {
            pending = pending.Pop(out var encoder);
            Pair(call, value.Shape.Spatial(g.SpatialRank), output.Spatial(g.SpatialRank), encoder);
        }

        var producer = g.Kind is LayerKind.Conv or LayerKind.ConvTranspose or LayerKind.Linear ? call
            : g.Kind is LayerKind.Flatten or LayerKind.Unflatten ? null
            : value.Producer;
        return new TensorValue(output, pending, value.AnyChannels) { Producer = producer };
    }

    private void Pair(LayerCall decoder, long[] decoderInput, long[] decoderOutput, PushedShape encoder)
    {
        var mismatch = MirrorPairing.Mismatch(decoder.Geometry, decoderInput, decoderOutput, encoder.Encoder.Geometry.TorchName, encoder.Spatial);
        var location = decoder.Invocation.Syntax.GetLocation();
        _report.PairTargets[location] = (encoder.Spatial, encoder.Encoder.Geometry.TorchName);
        _report.PairOutcomes.TryGetValue(location, out var tally);
        _report.PairOutcomes[location] = mismatch is null
            ? (tally.Matched + 1, tally.Missed, tally.FirstMiss)
            : (tally.Matched, tally.Missed + 1, tally.FirstMiss ?? $"for input {_input}: {mismatch.Message}");
        if (mismatch is not null)
        {
            PropagationReport.Add(_report.Pairings, location, _input, mismatch);
        }

        var eg = encoder.Encoder.Geometry;
        if (eg.Kind == LayerKind.Conv && OutputPaddingSolver.MirrorOutputPadding(eg, encoder.Spatial) is { } drops && drops.Any(r => r > 0))
        {
            var dims = Enumerable.Range(0, drops.Length).Where(d => drops[d] > 0)
                .Select(d => $"{ArithmeticText.DimensionName(d, eg.SpatialRank)} {drops[d]}");
            PropagationReport.Add(_report.Drops, encoder.Encoder.Invocation.Syntax.GetLocation(), _input,
                $"{eg.TorchName} on {ArithmeticText.Sizes(encoder.Spatial)} leaves trailing rows/planes its stride never reaches ({string.Join(", ", dims)}): its mirror ConvTranspose needs output_padding {(drops.Distinct().Count() == 1 ? ArithmeticText.N(drops[0]) : ArithmeticText.Tuple(drops))} to give back {ArithmeticText.Sizes(encoder.Spatial)}");
        }
    }

    /// <summary><c>torch.cat</c> along <paramref name="dimension"/>: every other dimension must agree.</summary>
    public TensorValue? Concatenate(IReadOnlyList<TensorValue?> parts, long dimension, Location location)
    {
        if (parts.Count == 0 || parts.Any(p => p is null))
        {
            return null;
        }

        var shapes = parts.Select(p => p!.Shape).ToList();
        var rank = shapes[0].Rank;
        var dim = (int)(dimension < 0 ? dimension + rank : dimension);
        if (shapes.Any(s => s.Rank != rank) || dimension < -rank || dimension >= rank)
        {
            PropagationReport.Add(_report.Joins, location, _input,
                $"torch.cat joins tensors of shapes {string.Join(" and ", shapes.Select(s => ArithmeticText.Shape(s.Dims)))} along dim {dimension}: the ranks or the dim do not fit");
            return null;
        }

        var differing = Enumerable.Range(0, rank).Where(d => d != dim && shapes.Select(s => s[d]).Distinct().Count() > 1).ToList();
        if (differing.Count > 0)
        {
            PropagationReport.Add(_report.Joins, location, _input,
                $"Sizes of tensors must match except in dimension {dim}: torch.cat joins {string.Join(" and ", shapes.Select(s => ArithmeticText.Shape(s.Dims)))}, which differ in dimension {string.Join(", ", differing)}");
            return null;
        }

        var dims = shapes[0].Dims.ToArray();
        dims[dim] = shapes.Sum(s => s[dim]);
        return new TensorValue(new TensorShape(dims), parts[0]!.Pending);

    }

    /// <summary>Elementwise <c>a + b</c>: the shapes must broadcast (equal, or 1, from the right).</summary>
    public TensorValue? Broadcast(TensorValue? left, TensorValue? right, Location location)
    {
        if (left is null || right is null)
        {
            return null;
        }

        var a = left.Shape.Dims.ToArray();
        var b = right.Shape.Dims.ToArray();
        var rank = System.Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 1; i <= rank; i++)
        {
            var x = i <= a.Length ? a[a.Length - i] : 1;
            var y = i <= b.Length ? b[b.Length - i] : 1;
            if (x != y && x != 1 && y != 1)
            {
                PropagationReport.Add(_report.Joins, location, _input,
                    $"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {rank - i}: {ArithmeticText.Shape(a)} + {ArithmeticText.Shape(b)}");
                return null;
            }

            result[rank - i] = System.Math.Max(x, y);
        }

        return new TensorValue(new TensorShape(result), left.Pending);
    }
}
