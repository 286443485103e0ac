using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Extraction;

/// <summary>The values assigned to a module class's fields and its forward method, gathered from its operation blocks.</summary>
internal sealed class ModuleState
{
    private readonly object _gate = new();
    private readonly Dictionary<ISymbol, IOperation?> _members = new(SymbolEqualityComparer.Default);
    private IMethodSymbol? _forward;
    private IOperation? _body;
    private (IReadOnlyDictionary<ISymbol, IOperation> Members, IMethodSymbol? Forward, IOperation? Body)? _snapshot;

    public ModuleState(INamedTypeSymbol type) => Type = type;

    public INamedTypeSymbol Type { get; }

    public void Collect(OperationBlockAnalysisContext context) => Collect(context.OwningSymbol, context.OperationBlocks);

    /// <summary>The same as the analyzer's operation-block callbacks, from syntax (for code refactorings).</summary>
    public static ModuleState FromSyntax(INamedTypeSymbol type, System.Func<SyntaxTree, SemanticModel> models, System.Threading.CancellationToken cancellationToken)
    {
        var state = new ModuleState(type);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var model = models(reference.SyntaxTree);
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes(n => n is not Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax))
            {
                var operation = node is Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax
                    ? model.GetOperation(node, cancellationToken)
                    : null;
                var owner = node switch
                {
                    Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax { Parent: { } declarator } => model.GetDeclaredSymbol(declarator, cancellationToken),
                    Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax method => model.GetDeclaredSymbol(method, cancellationToken),
                    _ => null,
                };
                if (operation is not null && owner is not null && SymbolEqualityComparer.Default.Equals(owner.ContainingType, type))
                {
                    state.Collect(owner, System.Collections.Immutable.ImmutableArray.Create(operation));
                }
            }
        }

        return state;
    }

    private void Collect(ISymbol owner, System.Collections.Immutable.ImmutableArray<IOperation> blocks)
    {
        lock (_gate)
        {
            _snapshot = null;
            switch (owner)
            {
                case IFieldSymbol or IPropertySymbol:
                    foreach (var block in blocks)
                    {
                        if (block is ISymbolInitializerOperation initializer)
                        {
                            Assign(owner, initializer.Value);
                        }
                    }

                    break;
                case IMethodSymbol { MethodKind: MethodKind.Constructor }:
                    foreach (var assignment in blocks.SelectMany(b => b.DescendantsAndSelf()).OfType<ISimpleAssignmentOperation>())
                    {
                        var member = assignment.Target switch
                        {
                            IFieldReferenceOperation { Instance: IInstanceReferenceOperation or null } f => (ISymbol)f.Field,
                            IPropertyReferenceOperation { Instance: IInstanceReferenceOperation or null } p => p.Property,
                            _ => null,
                        };
                        if (member is not null && SymbolEqualityComparer.Default.Equals(member.ContainingType, Type))
                        {
                            Assign(member.OriginalDefinition, assignment.Value);
                        }
                    }

                    break;
                case IMethodSymbol { Name: "forward", Parameters.Length: 1, IsOverride: true } forward when blocks.Length == 1:
                    _forward = forward;
                    _body = blocks[0];
                    break;
            }
        }
    }

    /// <summary>A member assigned twice (an initializer and a constructor, or two constructors) is unknown.</summary>
    private void Assign(ISymbol member, IOperation value) =>
        _members[member] = _members.ContainsKey(member) ? null : value;

    /// <summary>What has been collected so far; the same instance until the next collection (a class is resolved many times).</summary>
    public (IReadOnlyDictionary<ISymbol, IOperation> Members, IMethodSymbol? Forward, IOperation? Body) Snapshot()
    {
        lock (_gate)
        {
            if (_snapshot is not { } snapshot)
            {
                var members = _members.Where(m => m.Value is not null).ToDictionary(m => m.Key, m => m.Value!, SymbolEqualityComparer.Default);
                _snapshot = snapshot = (members, _forward, _body);
            }

            return snapshot;
        }
    }
}
