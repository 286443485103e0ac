using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Extraction;

/// <summary>
/// Module classes read from their syntax on demand, for the generator and the refactoring (the analyzer gathers
/// the same from its operation-block callbacks).
/// </summary>
internal sealed class SourceModules
{
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<INamedTypeSymbol, ModuleState?> _states = new(SymbolEqualityComparer.Default);

    public SourceModules(Compilation compilation, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The class with its base classes merged, or null when it is not a class of this compilation.</summary>
    public ModuleModel? Resolve(INamedTypeSymbol type) => ModuleModel.Resolve(type, State);

    private ModuleState? State(INamedTypeSymbol type)
    {
        if (!_states.TryGetValue(type, out var state))
        {
            _states[type] = state = type.Locations.Any(l => l.IsInSource) && type.TypeKind == TypeKind.Class
                ? ModuleState.FromSyntax(type, tree => _compilation.GetSemanticModel(tree), _cancellationToken)
                : null;
        }

        return state;
    }
}
