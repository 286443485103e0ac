using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.Reach;

/// <summary>
/// The code an annotated network reaches by reading alone, without the analyzer: the class itself (every partial
/// declaration, nested types included), every source class whose object it creates (all their code: a created module
/// runs its constructor and its forward), every source method it calls (that method's body), and the source base
/// classes of all of these, closed transitively. It over-approximates what runs (an unused branch or helper counts),
/// which is what a reach figure must not under-count.
/// </summary>
public sealed class LexicalReach
{
    private readonly Compilation _compilation;
    private readonly HashSet<INamedTypeSymbol> _types = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _methods = new(SymbolEqualityComparer.Default);
    private readonly Queue<SyntaxNode> _pending = new();

    private LexicalReach(Compilation compilation) => _compilation = compilation;

    public static LexicalReach From(Compilation compilation, INamedTypeSymbol root)
    {
        var reach = new LexicalReach(compilation);
        reach.AddType(root);
        while (reach._pending.Count > 0)
        {
            reach.Scan(reach._pending.Dequeue());
        }

        return reach;
    }

    /// <summary>The reached classes and methods, for <c>--reach</c>.</summary>
    public IEnumerable<string> Describe() =>
        _types.Select(t => "class " + t.ToDisplayString()).Concat(_methods.Select(m => "method " + m.ToDisplayString())).Order(StringComparer.Ordinal);

    /// <summary>True when the call sits in a reached class (lexically) or in the body of a reached method.</summary>
    public bool Contains(SemanticModel model, InvocationExpressionSyntax site)
    {
        foreach (var declaration in site.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration) is INamedTypeSymbol type && _types.Contains(type.OriginalDefinition))
            {
                return true;
            }
        }

        return OwningMember(model, site) is IMethodSymbol method && _methods.Contains(method.OriginalDefinition);
    }

    /// <summary>The method, accessor or field whose code holds the node, looking through lambdas and local functions.</summary>
    public static ISymbol? OwningMember(SemanticModel model, SyntaxNode node)
    {
        var symbol = model.GetEnclosingSymbol(node.SpanStart);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol;
    }

    private bool InSource(ISymbol symbol) =>
        symbol.DeclaringSyntaxReferences.Any(r => _compilation.SyntaxTrees.Contains(r.SyntaxTree));

    private void AddType(INamedTypeSymbol type)
    {
        type = type.OriginalDefinition;
        if (!InSource(type) || !_types.Add(type))
        {
            return;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            _pending.Enqueue(reference.GetSyntax());
        }

        if (type.BaseType is { } baseType)
        {
            AddType(baseType);
        }
    }

    private void AddMethod(IMethodSymbol method)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        if (method.MethodKind == MethodKind.Constructor)
        {
            AddType(method.ContainingType);
            return;
        }

        if (!InSource(method) || _types.Contains(method.ContainingType.OriginalDefinition) || !_methods.Add(method))
        {
            return;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            _pending.Enqueue(reference.GetSyntax());
        }
    }

    private void Scan(SyntaxNode declaration)
    {
        var model = _compilation.GetSemanticModel(declaration.SyntaxTree);
        foreach (var node in declaration.DescendantNodes())
        {
            switch (node)
            {
                case BaseObjectCreationExpressionSyntax creation:
                    if (model.GetTypeInfo(creation).Type is INamedTypeSymbol created)
                    {
                        AddType(created);
                    }

                    break;
                case InvocationExpressionSyntax invocation:
                    var info = model.GetSymbolInfo(invocation);
                    foreach (var candidate in info.Symbol is { } s ? [s] : info.CandidateSymbols)
                    {
                        if (candidate is IMethodSymbol method)
                        {
                            AddMethod(method);
                        }
                    }

                    break;
            }
        }
    }
}
