using System.Collections.Generic;
using ConvAnalyzers.Arithmetic;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Extraction;

/// <summary>
/// The TorchSharp API the analyzers bind to, looked up once per compilation. Null when TorchSharp is not
/// referenced: then no analyzer registers any action.
/// </summary>
internal sealed class TorchSharpSymbols
{
    /// <summary>Every factory of <c>TorchSharp.torch.nn</c> whose shapes the arithmetic knows: a new layer kind is a row here.</summary>
    private static readonly Dictionary<string, (LayerKind Kind, int Rank)> Factories = new()
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

    private TorchSharpSymbols(INamedTypeSymbol nn, INamedTypeSymbol? paddingModes, INamedTypeSymbol? padding)
    {
        Nn = nn;
        PaddingModes = paddingModes;
        Padding = padding;
    }

    /// <summary><c>TorchSharp.torch.nn</c>, the static class holding the layer factories.</summary>
    public INamedTypeSymbol Nn { get; }

    public INamedTypeSymbol? PaddingModes { get; }

    public INamedTypeSymbol? Padding { get; }

    public static TorchSharpSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName("TorchSharp.torch+nn") is { } nn
            ? new TorchSharpSymbols(nn, compilation.GetTypeByMetadataName("TorchSharp.PaddingModes"), compilation.GetTypeByMetadataName("TorchSharp.Padding"))
            : null;

    /// <summary>Words of which every factory name contains one: a file without any of them calls no factory (a test checks every row).</summary>
    public static IReadOnlyList<string> FactoryWords { get; } = ["Conv", "Pool", "Unpool", "Upsample", "BatchNorm", "Linear", "latten"];

    /// <summary>True when a method of this name could be one of the factories (the syntactic pre-filter).</summary>
    public static IEnumerable<string> FactoryNames => Factories.Keys;

    public static bool IsFactoryName(string? name) => name is not null && Factories.ContainsKey(name);

    /// <summary>The layer a factory method creates, when it is one of the conv family.</summary>
    public bool TryGetFactory(IMethodSymbol method, out LayerKind kind, out int rank)
    {
        kind = default;
        rank = 0;
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, Nn) || !Factories.TryGetValue(method.Name, out var row))
        {
            return false;
        }

        (kind, rank) = row;
        return true;
    }
}
