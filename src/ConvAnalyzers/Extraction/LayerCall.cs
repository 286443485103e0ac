using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Extraction;

/// <summary>
/// A TorchSharp layer factory call understood: the layer's geometry (unknown values stay unknown) and the
/// argument behind each parameter, for diagnostic locations and code fixes.
/// </summary>
internal sealed class LayerCall
{
    private readonly Dictionary<string, IArgumentOperation> _arguments;

    private LayerCall(IInvocationOperation invocation, LayerGeometry geometry, Dictionary<string, IArgumentOperation> arguments, bool outputPaddingIsTuple)
    {
        Invocation = invocation;
        Geometry = geometry;
        _arguments = arguments;
        OutputPaddingIsTuple = outputPaddingIsTuple;
    }

    public IInvocationOperation Invocation { get; }

    public LayerGeometry Geometry { get; }

    /// <summary>True when output_padding was written per dimension (a tuple or array), so TorchSharp's collapse matters.</summary>
    public bool OutputPaddingIsTuple { get; }

    /// <summary>PyTorch's parameter names (used in messages) where TorchSharp's differ.</summary>
    private static readonly Dictionary<string, string> TorchSharpNames = new()
    {
        ["in_features"] = "inputSize",
        ["out_features"] = "outputSize",
    };

    /// <summary>The argument the code wrote for a parameter (null when it was defaulted).</summary>
    public IArgumentOperation? ArgumentFor(string parameter)
    {
        var name = TorchSharpNames.TryGetValue(parameter, out var torchSharpName) ? torchSharpName : parameter;
        return _arguments.TryGetValue(name, out var argument) && !argument.IsImplicit ? argument : null;
    }

    /// <summary>Where to report something about <paramref name="parameter"/>: its argument, else the call.</summary>
    public Location LocationOf(string? parameter) =>
        (parameter is not null ? ArgumentFor(parameter)?.Syntax.GetLocation() : null) ?? Invocation.Syntax.GetLocation();

    public static LayerCall? TryCreate(IInvocationOperation invocation, TorchSharpSymbols symbols, CancellationToken cancellationToken)
    {
        if (!symbols.TryGetFactory(invocation.TargetMethod, out var kind, out var rank))
        {
            return null;
        }

        var arguments = new Dictionary<string, IArgumentOperation>(invocation.Arguments.Length);
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter)
            {
                arguments[parameter.Name] = argument;
            }
        }

        // Evaluated when the layer kind asks for the parameter; output_padding is asked twice, the rest once.
        ConstValue? Value(string name) => arguments.TryGetValue(name, out var argument) ? ConstantEvaluator.Evaluate(argument.Value, cancellationToken) : null;
        bool Has(string name) => arguments.ContainsKey(name);

        var geometry = new LayerGeometry { Kind = kind, SpatialRank = rank };
        switch (kind)
        {
            case LayerKind.Conv:
            case LayerKind.ConvTranspose:
                var paddingIsEnum = arguments.TryGetValue("padding", out var paddingArgument)
                    && SymbolEqualityComparer.Default.Equals(paddingArgument.Parameter!.Type, symbols.Padding);
                var paddingKind = PaddingKind.Explicit;
                if (paddingIsEnum)
                {
                    if (Value("padding") is not { Kind: ConstKind.Integer } named)
                    {
                        return null;
                    }

                    paddingKind = named.Integer == 1 ? PaddingKind.Same : PaddingKind.Valid;
                }

                var mode = Has("padding_mode") ? Value("padding_mode") : ConstValue.OfInteger(0);
                if (mode is not { Kind: ConstKind.Integer, Integer: >= 0 and <= 4 })
                {
                    return null;
                }

                geometry = geometry with
                {
                    InChannels = Scalar(Value("in_channels")),
                    OutChannels = Scalar(Value("out_channels")),
                    Groups = Has("groups") ? Scalar(Value("groups")) : 1,
                    Kernel = PerDim(Value("kernel_size"), rank, null),
                    Stride = PerDim(Value("stride"), rank, 1),
                    Padding = paddingIsEnum ? PerDim<long>.Uniform(0, rank) : PerDim(Value("padding"), rank, 0),
                    Dilation = PerDim(Value("dilation"), rank, 1),
                    OutputPadding = kind == LayerKind.ConvTranspose ? PerDim(Value("output_padding"), rank, 0) : default,
                    PaddingKind = paddingKind,
                    PaddingMode = (PaddingMode)mode.Integer,
                };
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
            case LayerKind.MaxUnpool:
                var kernel = PerDim(Value("kernel_size"), rank, null);
                geometry = geometry with
                {
                    Kernel = kernel,
                    Stride = Has("stride") && Value("stride") is { Kind: not ConstKind.Null } stride ? PerDim(stride, rank, null) : kernel,
                    Padding = PerDim(Value("padding"), rank, 0),
                    Dilation = kind == LayerKind.MaxPool ? PerDim(Value("dilation"), rank, 1) : PerDim<long>.Uniform(1, rank),
                    CeilMode = kind == LayerKind.MaxUnpool ? false : Has("ceil_mode") ? Bool(Value("ceil_mode")) : false,
                };
                break;
            case LayerKind.AdaptiveAvgPool:
            case LayerKind.AdaptiveMaxPool:
                geometry = geometry with { OutputSize = PerDim(Value("output_size"), rank, null) };
                break;
            case LayerKind.BatchNorm:
                geometry = geometry with { InChannels = Scalar(Value("num_features")) };
                break;
            case LayerKind.Linear:
                // Linear(Parameter weight, Parameter bias) has no sizes: they stay unknown.
                geometry = geometry with { InChannels = Scalar(Value("inputSize")), OutChannels = Scalar(Value("outputSize")) };
                break;
            case LayerKind.Flatten:
                geometry = geometry with { StartDim = Scalar(Value("start_dim")), EndDim = Scalar(Value("end_dim")) };
                break;
            case LayerKind.Unflatten:
                var unflattened = Value("unflattened_size");
                geometry = geometry with
                {
                    StartDim = Scalar(Value("dim")),
                    OutputSize = unflattened is { Kind: ConstKind.Sequence } ? new PerDim<long>(unflattened.Items.Select(Scalar).ToArray()) : default,
                };
                break;
            case LayerKind.Upsample:
                var size = Value("size");
                var scale = Value("scale_factor");
                if (size is { Kind: ConstKind.Sequence })
                {
                    geometry = geometry with { SpatialRank = size.Items.Length, OutputSize = PerDim(size, size.Items.Length, null) };
                }
                else if (scale is { Kind: ConstKind.Sequence })
                {
                    geometry = geometry with { SpatialRank = scale.Items.Length, ScaleFactor = new PerDim<double>(scale.Items.Select(Real).ToArray()) };
                }
                else
                {
                    return null;
                }

                break;
        }

        var outputPaddingIsTuple = Value("output_padding") is { Kind: ConstKind.Sequence }
            || (arguments.TryGetValue("output_padding", out var op) && op.Parameter!.Type is not { SpecialType: SpecialType.System_Int64 });
        return new LayerCall(invocation, geometry, arguments, outputPaddingIsTuple);
    }

    private static long? Scalar(ConstValue? value) => value is { Kind: ConstKind.Integer } ? value.Integer : null;

    private static bool? Bool(ConstValue? value) => value is { Kind: ConstKind.Boolean } ? value.Boolean : null;

    private static double? Real(ConstValue? value) => value is { Kind: ConstKind.Integer or ConstKind.Real } ? value.Real : null;

    /// <summary>A scalar for every dimension, a tuple or array element per dimension, or (for null) the default.</summary>
    private static PerDim<long> PerDim(ConstValue? value, int rank, long? whenNull)
    {
        switch (value)
        {
            case null:
                return PerDim<long>.Uniform(null, rank);
            case { Kind: ConstKind.Null }:
                return PerDim<long>.Uniform(whenNull, rank);
            case { Kind: ConstKind.Integer }:
                return PerDim<long>.Uniform(value.Integer, rank);
            case { Kind: ConstKind.Sequence } when value.Items.Length == rank:
                return new PerDim<long>(value.Items.Select(Scalar).ToArray());
            default:
                // A wrong arity (TorchSharp would fail in libtorch's ExpandingArray) is not guessed at.
                return PerDim<long>.Uniform(null, rank);
        }
    }
}
