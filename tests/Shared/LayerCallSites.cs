using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// The layer call sites of a source, bound by symbol: the places where CONV000 traces are reported and where the
/// libtorch harness records what TorchSharp executed. A layer call is a static method of <c>TorchSharp.torch.nn</c>
/// that returns a module (factories, activations, dropout, norms, padding layers; not the containers), or a static
/// method of <c>TorchSharp.torch.nn.functional</c> that takes a tensor first and returns a tensor.
/// </summary>
public static class LayerCallSites
{
    // Containers hold layers; they are not layers themselves (TorchSharp.Modules metadata names).
    private static readonly HashSet<string> Containers = new() { "Sequential", "ModuleList`1", "ModuleDict`1", "ParameterList", "ParameterDict" };

    public static IReadOnlyList<InvocationExpressionSyntax> Find(SemanticModel model, SyntaxNode root) =>
        root.DescendantNodesAndSelf()
            .OfType<InvocationExpressionSyntax>()
            .Where(invocation => model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method && IsLayerCall(method))
            .ToList();

    public static bool IsLayerCall(IMethodSymbol method)
    {
        if (!method.IsStatic || method.ContainingType is not { } owner)
        {
            return false;
        }

        if (IsTorchNn(owner))
        {
            return method.ReturnType is INamedTypeSymbol returned && !IsContainer(returned) && DerivesFromModule(returned);
        }

        if (owner is { Name: "functional", Arity: 0 } && owner.ContainingType is { } nn && IsTorchNn(nn))
        {
            return method.Parameters.Length > 0 && IsTensor(method.Parameters[0].Type) && IsTensor(method.ReturnType);
        }

        return false;
    }

    private static bool IsTorch(INamedTypeSymbol type) =>
        type is { Name: "torch", Arity: 0, ContainingType: null } && type.ContainingNamespace is { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true };

    private static bool IsTorchNn(INamedTypeSymbol type) =>
        type is { Name: "nn", Arity: 0 } && type.ContainingType is { } torch && IsTorch(torch);

    private static bool IsTensor(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Tensor", Arity: 0 } named && named.ContainingType is { } torch && IsTorch(torch);

    private static bool IsContainer(INamedTypeSymbol type) =>
        type.ContainingType is null
        && type.ContainingNamespace is { Name: "Modules", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } }
        && Containers.Contains(type.OriginalDefinition.MetadataName);

    private static bool DerivesFromModule(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current is { Name: "Module", Arity: 0 } && current.ContainingType is { } nn && IsTorchNn(nn))
            {
                return true;
            }
        }

        return false;
    }
}
