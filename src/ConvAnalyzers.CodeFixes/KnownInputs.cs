using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Extraction;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.CodeFixes;

/// <summary>The shapes a layer receives when its module runs on its [InputShape]s (or its [MirrorOf] encoder's).</summary>
internal static class KnownInputs
{
    public static List<TensorShape> Of(Compilation compilation, TorchSharpSymbols symbols, INamedTypeSymbol type, InvocationExpressionSyntax layer, CancellationToken cancellationToken) =>
        Run(compilation, symbols, type, layer, cancellationToken).Inputs;

    /// <summary>The layer's inputs, and for a decoder layer the spatial shape its paired encoder layer received.</summary>
    public static (List<TensorShape> Inputs, (long[] Spatial, string Encoder)? Mirror) Run(Compilation compilation, TorchSharpSymbols symbols, INamedTypeSymbol type, InvocationExpressionSyntax layer, CancellationToken cancellationToken)
    {
        var attributes = ShapeAttributes.For(compilation);
        var inputs = (attributes.MirrorOf(type) is { } encoderType ? attributes.Inputs(encoderType) : attributes.Inputs(type)).ToList();
        var modules = new SourceModules(compilation, cancellationToken);
        if (inputs.Count == 0 || modules.Resolve(type) is not { Forward: not null } model)
        {
            return (new List<TensorShape>(), null);
        }

        var encoder = attributes.MirrorOf(type) is { } e ? modules.Resolve(e) : null;
        var (report, _) = NetworkRun.Run(symbols, modules.Resolve, model, encoder, inputs, cancellationToken);
        var location = layer.GetLocation();
        var layerInputs = report.Layers.TryGetValue(location, out var runs) ? runs.Select(r => r.Run.LayerInput).Distinct().ToList() : new List<TensorShape>();
        return (layerInputs, report.PairTargets.TryGetValue(location, out var mirror) ? mirror : null);
    }
}
