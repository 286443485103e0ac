using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Extraction;

/// <summary>Turns the expression that builds a module into a <see cref="FlowStep"/>.</summary>
internal sealed class FlowBuilder
{
    /// <summary>TorchSharp factories whose modules keep the shape of what they receive.</summary>
    private static readonly HashSet<string> NeutralFactories = new()
    {
        "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
        "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Softmax2d", "Tanhshrink",
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Identity",
        "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "GroupNorm", "LocalResponseNorm",
    };

    private readonly TorchSharpSymbols _symbols;
    private readonly IReadOnlyDictionary<ISymbol, IOperation> _members;
    private readonly System.Func<INamedTypeSymbol, ModuleModel?>? _modules;
    private readonly CancellationToken _cancellationToken;

    /// <param name="members">The value assigned (once) to each field or property of the module class being read.</param>
    /// <param name="modules">The module classes of this compilation, for <c>new Block(...)</c> members.</param>
    public FlowBuilder(TorchSharpSymbols symbols, IReadOnlyDictionary<ISymbol, IOperation> members, System.Func<INamedTypeSymbol, ModuleModel?>? modules, CancellationToken cancellationToken)
    {
        _symbols = symbols;
        _members = members;
        _modules = modules;
        _cancellationToken = cancellationToken;
    }

    private readonly Dictionary<IOperation, FlowStep> _built = new();

    public FlowStep Build(IOperation? operation)
    {
        if (operation is null)
        {
            return UnknownStep.Instance;
        }

        if (!_built.TryGetValue(operation, out var step))
        {
            _built[operation] = step = Build(operation, 0);
        }

        return step;
    }

    private FlowStep Build(IOperation? operation, int depth)
    {
        if (operation is null || depth > 16)
        {
            return UnknownStep.Instance;
        }

        switch (operation)
        {
            case IConversionOperation conversion:
                return Build(conversion.Operand, depth + 1);
            case IInvocationOperation invocation:
                return BuildInvocation(invocation, depth);
            case IFieldReferenceOperation field:
                return _members.TryGetValue(field.Field.OriginalDefinition, out var fieldValue) ? Build(fieldValue, depth + 1) : UnknownStep.Instance;
            case IPropertyReferenceOperation property:
                return _members.TryGetValue(property.Property.OriginalDefinition, out var propertyValue) ? Build(propertyValue, depth + 1) : UnknownStep.Instance;
            case ILocalReferenceOperation local:
                return Build(AssignedOnce(local), depth + 1);
            case IObjectCreationOperation { Type: INamedTypeSymbol type } when _modules?.Invoke(type) is { } model:
                // Constructor arguments are not followed: the nested class's own members must be constants.
                return model.Members.Count > 0 || model.Forward is not null ? new ClassStep(model) : UnknownStep.Instance;
            default:
                return UnknownStep.Instance;
        }
    }

    private FlowStep BuildInvocation(IInvocationOperation invocation, int depth)
    {
        if (LayerCall.TryCreate(invocation, _symbols, _cancellationToken) is { } call)
        {
            return new LayerStep(call);
        }

        var method = invocation.TargetMethod;
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, _symbols.Nn))
        {
            return UnknownStep.Instance;
        }

        if (NeutralFactories.Contains(method.Name))
        {
            return new NeutralStep(method.Name);
        }

        if (method.Name != "Sequential" || invocation.Arguments.Length != 1)
        {
            return UnknownStep.Instance;
        }

        var modules = Modules(invocation.Arguments[0].Value);
        if (modules is null)
        {
            return UnknownStep.Instance;
        }

        var steps = ImmutableArray.CreateBuilder<FlowStep>();
        foreach (var module in modules)
        {
            var step = Build(module, depth + 1);
            if (step is SequenceStep nested)
            {
                steps.AddRange(nested.Steps);
            }
            else
            {
                steps.Add(step);
            }
        }

        return new SequenceStep(steps.ToImmutable());
    }

    /// <summary>The module expressions passed to Sequential: params, an array, named tuples, or a list filled with Add calls.</summary>
    private IReadOnlyList<IOperation>? Modules(IOperation argument)
    {
        while (argument is IConversionOperation conversion)
        {
            argument = conversion.Operand;
        }

        IEnumerable<IOperation>? elements = argument switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
            ICollectionExpressionOperation collection when collection.Elements.All(e => e is not ISpreadOperation) => collection.Elements,
            ILocalReferenceOperation local => ListAdds(local),
            _ => null,
        };
        return elements?.Select(ModuleOf).ToList();
    }

    private static IOperation ModuleOf(IOperation element)
    {
        while (element is IConversionOperation conversion)
        {
            element = conversion.Operand;
        }

        // ("name", module) named tuples: the module is the second element.
        return element is ITupleOperation { Elements.Length: 2 } tuple ? tuple.Elements[1] : element;
    }

    /// <summary>
    /// A local <c>List</c> created empty and filled with <c>Add</c> calls in straight-line code of the same method;
    /// anything else done to it (a loop, another method call, an assignment) makes it unknown.
    /// </summary>
    private IEnumerable<IOperation>? ListAdds(ILocalReferenceOperation reference)
    {
        var local = reference.Local;
        var model = reference.SemanticModel;
        if (model is null || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax } declarator
            || declarator.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        var creation = model.GetOperation(declarator.Initializer!.Value, _cancellationToken);
        if (creation is not IObjectCreationOperation { Initializer: null, Arguments.Length: 0 })
        {
            return null;
        }

        var body = declarator.Ancestors().FirstOrDefault(a => a is BlockSyntax { Parent: BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax } or CompilationUnitSyntax);
        if (body is null)
        {
            return null;
        }

        var adds = new List<IOperation>();
        foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>().Where(i => i.Identifier.ValueText == local.Name))
        {
            if (identifier.SpanStart <= declarator.SpanStart || identifier.Span.Contains(reference.Syntax.Span) || reference.Syntax.Span.Contains(identifier.Span))
            {
                continue;
            }

            if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, _cancellationToken).Symbol, local))
            {
                continue;
            }

            if (identifier.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Parent: InvocationExpressionSyntax add } member
                && member.Expression == identifier
                && add.Parent is ExpressionStatementSyntax { Parent: BlockSyntax block } && block == body
                && add.SpanStart < reference.Syntax.SpanStart
                && model.GetOperation(add, _cancellationToken) is IInvocationOperation { Arguments.Length: 1 } addCall)
            {
                adds.Add(addCall.Arguments[0].Value);
                continue;
            }

            return null;
        }

        return adds;
    }

    /// <summary>The initializer of a local that is never assigned again.</summary>
    private IOperation? AssignedOnce(ILocalReferenceOperation reference)
    {
        var local = reference.Local;
        var model = reference.SemanticModel;
        if (model is null || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } value } declarator
            || declarator.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        var scope = declarator.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax or LocalFunctionStatementSyntax or CompilationUnitSyntax);
        var reassigned = scope?.DescendantNodes().OfType<AssignmentExpressionSyntax>()
            .Any(a => a.Left is IdentifierNameSyntax name && name.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, _cancellationToken).Symbol, local)) ?? true;
        return reassigned ? null : model.GetOperation(value, _cancellationToken);
    }
}
