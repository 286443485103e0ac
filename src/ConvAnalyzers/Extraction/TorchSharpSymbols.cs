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
    /// <summary>The layer factories: one table, <see cref="Binding.LayerTable"/>, for this reader and the interpreter.</summary>
    private static Dictionary<string, (LayerKind Kind, int Rank)> Factories => Binding.LayerTable.Factories;

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
