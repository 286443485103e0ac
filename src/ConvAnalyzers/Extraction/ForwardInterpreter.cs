using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Extraction;

/// <summary>
/// Follows a module's <c>forward</c> body with shapes: <c>x = conv1.forward(x)</c>, <c>conv1.call(x)</c>, nested
/// calls, locals, <c>torch.cat</c> and <c>+</c>. Straight-line code only: a local assigned under a branch or a loop
/// becomes unknown, and unknown values are never guessed.
/// </summary>
internal sealed class ForwardInterpreter
{
    /// <summary>Tensor methods and functions that keep the shape of their tensor argument.</summary>
    private static readonly HashSet<string> NeutralFunctions = new()
    {
        "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid", "sigmoid_",
        "tanh", "tanh_", "hardtanh", "hardswish", "hardsigmoid", "softplus", "softsign", "softmax", "log_softmax", "dropout",
        "dropout2d", "dropout3d", "alpha_dropout", "contiguous", "clone", "detach", "abs", "neg", "exp", "log", "sqrt",
    };

    private readonly FlowBuilder _builder;
    private readonly ShapePropagator _propagator;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<ISymbol, TensorValue?> _values = new(SymbolEqualityComparer.Default);
    private bool _returned;
    private bool _returnUnknown;

    public ForwardInterpreter(FlowBuilder builder, ShapePropagator propagator, CancellationToken cancellationToken)
    {
        _builder = builder;
        _propagator = propagator;
        _cancellationToken = cancellationToken;
    }

    /// <summary>What forward returns, when it is known.</summary>
    public TensorValue? Output { get; private set; }

    public void Run(IMethodSymbol forward, IOperation body, TensorValue input)
    {
        _values[forward.Parameters[0]] = input;
        Statement(body);
        if (_returnUnknown)
        {
            Output = null;
        }
    }

    private void Statement(IOperation operation)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_returned)
        {
            return;
        }

        switch (operation)
        {
            case IMethodBodyOperation methodBody:
                Statement((IOperation?)methodBody.BlockBody ?? methodBody.ExpressionBody!);
                break;
            case IBlockOperation block:
                foreach (var statement in block.Operations)
                {
                    Statement(statement);
                }

                break;
            case IVariableDeclarationGroupOperation group:
                foreach (var declarator in group.Declarations.SelectMany(d => d.Declarators))
                {
                    _values[declarator.Symbol] = declarator.Initializer is { } initializer ? Evaluate(initializer.Value) : null;
                }

                break;
            case IExpressionStatementOperation expression:
                Evaluate(expression.Operation);
                break;
            case IReturnOperation { ReturnedValue: { } returned }:
                Output = Evaluate(returned);
                _returned = true;
                break;
            default:
                // Branches, loops, using and try blocks: whatever they assign is unknown afterwards, and a return
                // inside them makes the output unknown.
                foreach (var target in operation.Descendants().OfType<ISimpleAssignmentOperation>().Select(a => a.Target))
                {
                    if (target is ILocalReferenceOperation local)
                    {
                        _values[local.Local] = null;
                    }
                    else if (target is IParameterReferenceOperation parameter)
                    {
                        _values[parameter.Parameter] = null;
                    }
                }

                foreach (var declared in operation.Descendants().OfType<IVariableDeclaratorOperation>())
                {
                    _values[declared.Symbol] = null;
                }

                if (operation.Descendants().Any(d => d is IReturnOperation))
                {
                    _returnUnknown = true;
                }

                break;
        }
    }

    private TensorValue? Evaluate(IOperation? operation)
    {
        switch (operation)
        {
            case null:
                return null;
            case IConversionOperation conversion:
                return Evaluate(conversion.Operand);
            case IParameterReferenceOperation parameter:
                return _values.TryGetValue(parameter.Parameter, out var p) ? p : null;
            case ILocalReferenceOperation local:
                return _values.TryGetValue(local.Local, out var l) ? l : null;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                var assigned = Evaluate(assignment.Value);
                _values[target.Local] = assigned;
                return assigned;
            case ISimpleAssignmentOperation { Target: IParameterReferenceOperation parameterTarget } parameterAssignment:
                var value = Evaluate(parameterAssignment.Value);
                _values[parameterTarget.Parameter] = value;
                return value;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply } binary
                when IsTensor(binary.LeftOperand.Type) && IsTensor(binary.RightOperand.Type):
                return _propagator.Broadcast(Evaluate(binary.LeftOperand), Evaluate(binary.RightOperand), binary.Syntax.GetLocation());
            case IInvocationOperation invocation:
                return Invocation(invocation);
            default:
                return null;
        }
    }

    private TensorValue? Invocation(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var arguments = invocation.Arguments;

        // module.forward(x), module.call(x), and ConvTranspose's forward(x, output_size).
        if (invocation.Instance is { } receiver && method.Name is "forward" or "call" && arguments.Length >= 1 && IsTensor(arguments[0].Value.Type))
        {
            var step = _builder.Build(receiver);
            if (step is UnknownStep)
            {
                return null;
            }

            IReadOnlyList<long>? requested = null;
            if (arguments.Length == 2)
            {
                if (ConstantEvaluator.Evaluate(arguments[1].Value, _cancellationToken) is not { Kind: ConstKind.Sequence } sizes || sizes.Items.Any(i => i is not { Kind: ConstKind.Integer }))
                {
                    return null;
                }

                requested = sizes.Items.Select(i => i!.Integer).ToList();
            }
            else if (arguments.Length > 2)
            {
                return null;
            }

            return _propagator.Apply(step, Evaluate(arguments[0].Value), requested);
        }

        if (method.Name == "cat" && IsTorch(method.ContainingType) && arguments.Length == 2)
        {
            var dim = ConstantEvaluator.Evaluate(arguments[1].Value, _cancellationToken);
            var parts = Elements(arguments[0].Value);
            if (dim is not { Kind: ConstKind.Integer } || parts is null)
            {
                return null;
            }

            return _propagator.Concatenate(parts.Select(Evaluate).ToList(), dim.Integer, invocation.Syntax.GetLocation());
        }

        if (NeutralFunctions.Contains(method.Name))
        {
            if (invocation.Instance is { } tensor && IsTensor(tensor.Type))
            {
                return Evaluate(tensor);
            }

            if (invocation.Instance is null && arguments.Length >= 1 && IsTensor(arguments[0].Value.Type) && IsTorch(method.ContainingType))
            {
                return Evaluate(arguments[0].Value);
            }
        }

        return null;
    }

    private static IEnumerable<IOperation>? Elements(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
            ICollectionExpressionOperation collection when collection.Elements.All(e => e is not ISpreadOperation) => collection.Elements,
            _ => null,
        };
    }

    private bool IsTensor(ITypeSymbol? type) => type is not null && type.Name == "Tensor" && IsTorch(type.ContainingType);

    /// <summary>torch, torch.nn, torch.nn.functional: the static classes nested in <c>TorchSharp.torch</c>.</summary>
    private bool IsTorch(INamedTypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.Name == "torch" && t.ContainingNamespace?.Name == "TorchSharp" && t.ContainingType is null)
            {
                return true;
            }
        }

        return false;
    }
}
