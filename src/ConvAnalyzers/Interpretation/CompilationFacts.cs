using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Interpretation;

/// <summary>
/// What every interpretation of one compilation reads the same way, computed once and shared by all of them (both
/// analyzers, every file action, the code fixes): semantic models, control-flow graphs of methods and initializers,
/// their block reachability, and which fields are written outside the constructor path. Everything here depends on
/// the compilation only, never on abstract values, and is safe to read from several threads.
/// </summary>
internal sealed class CompilationFacts
{
    private static readonly ConditionalWeakTable<Compilation, CompilationFacts> Table = new();

    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new(concurrencyLevel: 4, capacity: 64);
    private readonly ConcurrentDictionary<IMethodSymbol, ControlFlowGraph?> _graphs = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<SyntaxNode, ControlFlowGraph?> _initializers = new();
    private readonly ConcurrentDictionary<ControlFlowGraph, bool[][]> _reachability = new();
    private readonly ConcurrentDictionary<SyntaxTree, bool> _syntaxErrors = new();

    private CompilationFacts(Compilation compilation) => _compilation = compilation;

    public static CompilationFacts For(Compilation compilation) => Table.GetValue(compilation, static c => new CompilationFacts(c));

    public Compilation Compilation => _compilation;

    private HashSet<string>? _memberNames;
    private HashSet<string>? _typeNames;

    /// <summary>
    /// True when a source symbol has this name (the compilation's declaration tables, no binding). The names are read
    /// in one walk of the declaration tables per compilation: a walk per name looked up was a few percent of the analysis.
    /// <see cref="SymbolFilter.Type"/> asks for type names, any other filter for member names.
    /// </summary>
    public bool Declares(string name, SymbolFilter filter, CancellationToken cancellationToken) =>
        (filter == SymbolFilter.Type ? Names(ref _typeNames, SymbolFilter.Type, cancellationToken) : Names(ref _memberNames, SymbolFilter.Member, cancellationToken)).Contains(name);

    private HashSet<string> Names(ref HashSet<string>? names, SymbolFilter filter, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref names) is { } known)
        {
            return known;
        }

        var all = new HashSet<string>(System.StringComparer.Ordinal);
        // The predicate sees every declared name of the filter's kinds; answering false keeps the walk going.
        _compilation.ContainsSymbolsWithName(
            name =>
            {
                all.Add(name);
                return false;
            },
            filter,
            cancellationToken);
        return Interlocked.CompareExchange(ref names, all, null) ?? all;
    }

    public SemanticModel? ModelFor(SyntaxTree tree)
    {
        if (_models.TryGetValue(tree, out var model))
        {
            return model;
        }

        if (!_compilation.ContainsSyntaxTree(tree))
        {
            return null;
        }

#pragma warning disable RS1030 // The analyzer driver serves these from its own cache; other files' bodies are what the interpreter follows.
        return _models.GetOrAdd(tree, _compilation.GetSemanticModel(tree));
#pragma warning restore RS1030
    }

    /// <summary>True when the file has a syntax error (typing in progress): its bodies are not followed.</summary>
    public bool HasSyntaxErrors(SyntaxTree tree, CancellationToken cancellationToken) =>
        _syntaxErrors.TryGetValue(tree, out var known) ? known
            : _syntaxErrors.GetOrAdd(tree, tree.GetDiagnostics(cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error));

    /// <summary>The CFG of a method's body in this compilation; null when it has none the interpreter can read.</summary>
    public ControlFlowGraph? GraphOf(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (_graphs.TryGetValue(method, out var graph))
        {
            return graph;
        }

        graph = null;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            if (ModelFor(syntax.SyntaxTree) is not { } model || HasSyntaxErrors(syntax.SyntaxTree, cancellationToken))
            {
                // Code with syntax errors (typing in progress) is not followed.
                continue;
            }

            graph = model.GetOperation(syntax, cancellationToken) switch
            {
                IMethodBodyOperation body when body.BlockBody is not null || body.ExpressionBody is not null => ControlFlowGraph.Create(body, cancellationToken),
                IConstructorBodyOperation ctor => ControlFlowGraph.Create(ctor, cancellationToken),
                _ => null,
            };
            if (graph is not null)
            {
                break;
            }
        }

        return _graphs.GetOrAdd(method, graph);
    }

    /// <summary>The CFG of a field or property initializer (<c>= Conv2d(...)</c>); null when it has none.</summary>
    public ControlFlowGraph? InitializerGraph(SyntaxNode initializer, CancellationToken cancellationToken)
    {
        if (_initializers.TryGetValue(initializer, out var graph))
        {
            return graph;
        }

        graph = ModelFor(initializer.SyntaxTree)?.GetOperation(initializer, cancellationToken) switch
        {
            IFieldInitializerOperation f => ControlFlowGraph.Create(f, cancellationToken),
            IPropertyInitializerOperation p => ControlFlowGraph.Create(p, cancellationToken),
            _ => null,
        };
        return _initializers.GetOrAdd(initializer, graph);
    }

    private readonly ConcurrentDictionary<SyntaxNode, IOperation?> _straight = new();

    /// <summary>
    /// An instance field's or auto-property's initializer that has no control flow, no lambda and no object or
    /// collection initializer (<c>= nn.Conv2d(3, 64, 3, padding: 1)</c>): its value operation, which evaluates exactly
    /// as its one-block CFG would, so no CFG is built for it. Null for any other initializer.
    /// </summary>
    public IOperation? StraightInitializer(SyntaxNode initializer, CancellationToken cancellationToken)
    {
        if (_straight.TryGetValue(initializer, out var known))
        {
            return known;
        }

        IOperation? value = ModelFor(initializer.SyntaxTree)?.GetOperation(initializer, cancellationToken) switch
        {
            IFieldInitializerOperation { InitializedFields.Length: 1, Value: var v } when Straight(v) => v,
            IPropertyInitializerOperation { InitializedProperties.Length: 1, Value: var v } when Straight(v) => v,
            _ => null,
        };
        return _straight.GetOrAdd(initializer, value);
    }

    /// <summary>Operations whose CFG form is the operation itself: no branch, capture, lambda or lowered initializer among them.</summary>
    private static bool Straight(IOperation operation)
    {
        switch (operation)
        {
            case ILiteralOperation or IInstanceReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation
                or IDefaultValueOperation or INameOfOperation or ITypeOfOperation or IConversionOperation or IArgumentOperation or IInvocationOperation
                or IUnaryOperation or IArrayCreationOperation or IArrayInitializerOperation or ITupleOperation or IParenthesizedOperation
                or IPropertyReferenceOperation:
                break;
            case IObjectCreationOperation { Initializer: null }:
                break;
            case IBinaryOperation binary when binary.OperatorKind is not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr):
                break;
            default:
                return false;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (!Straight(child))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>reach[a][b]: block b can be reached from block a.</summary>
    public bool[][] Reachability(ControlFlowGraph graph)
    {
        if (_reachability.TryGetValue(graph, out var known))
        {
            return known;
        }

        var blocks = graph.Blocks;
        var reach = new bool[blocks.Length][];
        var stack = new Stack<int>();
        for (var start = 0; start < blocks.Length; start++)
        {
            var seen = new bool[blocks.Length];
            stack.Push(start);
            while (stack.Count > 0)
            {
                var block = blocks[stack.Pop()];
                Visit(block.ConditionalSuccessor?.Destination, seen, stack);
                Visit(block.FallThroughSuccessor?.Destination, seen, stack);
            }

            reach[start] = seen;
        }

        return _reachability.GetOrAdd(graph, reach);

        static void Visit(BasicBlock? successor, bool[] seen, Stack<int> stack)
        {
            if (successor is not null && !seen[successor.Ordinal])
            {
                seen[successor.Ordinal] = true;
                stack.Push(successor.Ordinal);
            }
        }
    }

    /// <summary>
    /// A method of the field's class, other than a constructor or a private method constructors call, that assigns
    /// it: then the field's value in forward depends on whether that method ran (DESIGN §3 "Heap").
    /// </summary>
    public string? WrittenOutsideConstructorPath(ISymbol field, CancellationToken cancellationToken) =>
        Writers(field.ContainingType, cancellationToken).TryGetValue(field.OriginalDefinition, out var writer) ? writer : null;

    private readonly ConcurrentDictionary<INamedTypeSymbol, Dictionary<ISymbol, string>> _writersByType = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The fields and properties of a class that such a method assigns, with the first method that does, resolved once
    /// per class (one shared-dictionary entry per class, not per field: per-field entries were lock waits in the profile).
    /// </summary>
    private Dictionary<ISymbol, string> Writers(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (_writersByType.TryGetValue(type, out var known))
        {
            return known;
        }

        var writers = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
        foreach (var entry in AssignmentsOutsideConstructors(type, cancellationToken))
        {
            if (!type.GetMembers(entry.Key).Any(m => m is IFieldSymbol or IPropertySymbol))
            {
                // Assigns a local or parameter of that name: nothing of the class.
                continue;
            }

            foreach (var (assignment, method) in entry.Value)
            {
                if (ModelFor(assignment.SyntaxTree)?.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is { } target
                    && target.OriginalDefinition is IFieldSymbol or IPropertySymbol && !writers.ContainsKey(target.OriginalDefinition))
                {
                    writers[target.OriginalDefinition] = method + "()";
                }
            }
        }

        return _writersByType.GetOrAdd(type, writers);
    }

    /// <summary>
    /// The assignments to <c>name</c> or <c>this.name</c> in the methods of a class that are neither constructors nor
    /// private methods its constructors call, by the assigned name, read from syntax once per class.
    /// </summary>
    private Dictionary<string, List<(AssignmentExpressionSyntax Assignment, string Method)>> AssignmentsOutsideConstructors(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var byName = new Dictionary<string, List<(AssignmentExpressionSyntax, string)>>(System.StringComparer.Ordinal);
        var calledFromConstructors = new HashSet<string>(System.StringComparer.Ordinal);
        var methods = new List<MethodDeclarationSyntax>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            // Constructors and methods are declarations of the type (or of types nested in it): no body is entered to find them.
            foreach (var member in reference.GetSyntax(cancellationToken).DescendantNodes(static n => n is TypeDeclarationSyntax))
            {
                if (member is ConstructorDeclarationSyntax constructor)
                {
                    foreach (var call in constructor.DescendantNodes().OfType<InvocationExpressionSyntax>())
                    {
                        calledFromConstructors.Add(call.Expression is MemberAccessExpressionSyntax m ? m.Name.Identifier.ValueText : call.Expression.ToString());
                    }
                }
                else if (member is MethodDeclarationSyntax method)
                {
                    methods.Add(method);
                }
            }
        }

        foreach (var method in methods)
        {
            if (calledFromConstructors.Contains(method.Identifier.ValueText) && method.Modifiers.Any(m => m.ValueText is "private"))
            {
                continue;
            }

            foreach (var assignment in method.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                var name = assignment.Left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? member.Name.Identifier.ValueText
                    : assignment.Left is IdentifierNameSyntax id ? id.Identifier.ValueText : null;
                if (name is not null)
                {
                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = new List<(AssignmentExpressionSyntax, string)>();
                    }

                    list.Add((assignment, method.Identifier.ValueText));
                }
            }
        }

        return byName;
    }
}
