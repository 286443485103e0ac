using System.Collections.Generic;
using System.Linq;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Interpretation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// The layers the interpreter builds from a source, as the network analyzer reads them: every class of the file is
/// constructed (its constructor parameters unknown) and every method of it called (parameters unknown, on that
/// instance), and each layer module left on the heap is a <see cref="LayerSite"/> with the geometry Binding gives its
/// factory call. A call built in several contexts (a helper called twice) has one site per distinct geometry.
/// </summary>
internal static class InterpretedLayers
{
    public static IReadOnlyDictionary<SyntaxNode, IReadOnlyList<LayerSite>> In(Compilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        var sites = new Dictionary<SyntaxNode, List<LayerSite>>();
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration) is not INamedTypeSymbol { TypeParameters.Length: 0 } type)
            {
                continue;
            }

            var constructors = type.IsStatic || type.IsAbstract ? [] : type.InstanceConstructors.Where(c => c.DeclaringSyntaxReferences.Length > 0 || c.IsImplicitlyDeclared).ToList();
            var methods = type.GetMembers().OfType<IMethodSymbol>()
                .Where(m => m.MethodKind == MethodKind.Ordinary && m.TypeParameters.Length == 0 && m.DeclaringSyntaxReferences.Length > 0)
                .ToList();
            foreach (var constructor in constructors.DefaultIfEmpty())
            {
                var library = TorchLibrary.Create(compilation)!;
                var interpreter = new Interpreter(compilation, library, Budget.Default, default);
                var state = new State();
                Value? instance = null;
                if (constructor is not null)
                {
                    instance = interpreter.Construct(type, constructor, Unknowns(constructor), state, null, null, type.Name + "(...)");
                }

                foreach (var method in methods)
                {
                    var @this = method.IsStatic ? null : instance ?? new UnknownValue($"an instance of {type.Name}");
                    interpreter.Invoke(method, @this, Unknowns(method), state, null, uncertain: false);
                }

                // Static field and property initializers, each run on its own.
                foreach (var initializer in declaration.Members.Where(m => m.Modifiers.Any(k => k.ValueText == "static"))
                    .SelectMany(m => m switch
                    {
                        FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => (SyntaxNode?)v.Initializer),
                        PropertyDeclarationSyntax p => [p.Initializer],
                        _ => [],
                    }).OfType<SyntaxNode>())
                {
                    var graph = model.GetOperation(initializer) switch
                    {
                        IFieldInitializerOperation f => ControlFlowGraph.Create(f),
                        IPropertyInitializerOperation p => ControlFlowGraph.Create(p),
                        _ => null,
                    };
                    if (graph is not null && type.GetMembers().OfType<IMethodSymbol>().FirstOrDefault() is { } host)
                    {
                        interpreter.Invoke(host, null, [], state, null, uncertain: false, graph: graph);
                    }
                }

                foreach (var site in state.Heap.Select(h => h.Value).OfType<LibraryObject>().Select(o => (o.Payload as LayerModule)?.Site).OfType<LayerSite>())
                {
                    if (!sites.TryGetValue(site.Call, out var list))
                    {
                        sites[site.Call] = list = new List<LayerSite>();
                    }

                    if (!list.Any(s => Equals(s.Geometry, site.Geometry)))
                    {
                        list.Add(site);
                    }
                }
            }
        }

        return sites.ToDictionary(s => s.Key, s => (IReadOnlyList<LayerSite>)s.Value);
    }

    private static Value[] Unknowns(IMethodSymbol method) =>
        method.Parameters.Select(p => Interpreter.Unknown(p.Type, $"parameter {p.Name} of {method.Name}")).ToArray();
}
