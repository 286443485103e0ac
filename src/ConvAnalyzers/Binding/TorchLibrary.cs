using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Interpretation;
using ConvAnalyzers.Model;
using ConvAnalyzers.Results;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Binding;

/// <summary>
/// TorchSharp as the interpreter sees it: layer factories and their functional forms, containers, module
/// <c>forward</c>/<c>call</c>, tensor factories and tensor operations, each bound by symbol. Every shape rule is
/// in Arithmetic; this class only reads arguments, applies the rule, and records what happened.
/// </summary>
internal sealed class TorchLibrary : ILibraryModel
{
    /// <summary>Factories whose modules keep the shape of what they receive.</summary>
    private static readonly HashSet<string> NeutralFactories = new()
    {
        "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
        "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Softmax2d", "Tanhshrink",
        "LogSigmoid", "Threshold", "GLU_", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
        "Identity", "LocalResponseNorm",
    };

    /// <summary>Tensor methods and functions that keep the shape of the tensor they act on.</summary>
    private static readonly HashSet<string> NeutralFunctions = new()
    {
        "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "celu", "gelu", "silu", "silu_", "mish", "sigmoid", "sigmoid_",
        "tanh", "tanh_", "hardtanh", "hardswish", "hardsigmoid", "softplus", "softsign", "softmax", "log_softmax", "dropout", "dropout_",
        "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "contiguous", "clone", "detach", "detach_", "abs", "neg", "exp", "log", "sqrt",
        "to", "cpu", "cuda", "float", "half", "@double", "type", "MoveToOuterDisposeScope", "MoveToOtherDisposeScope", "requires_grad_", "square", "rsqrt",
        "clamp", "clamp_", "clip", "pow", "sin", "cos", "logsigmoid", "hardtanh_", "mul_", "add_", "sub_", "div_", "zero_", "fill_", "normal_", "uniform_",
        "sign", "round", "floor", "ceil", "reciprocal", "local_response_norm", "normalize", "batch_norm", "instance_norm", "layer_norm", "group_norm",
        "threshold", "tanhshrink", "softmin", "glu_", "nan_to_num", "masked_fill", "masked_fill_", "where", "lerp",
        "randn_like", "rand_like", "zeros_like", "ones_like", "empty_like", "full_like", "randint_like", "bernoulli", "sigmoid_", "erf", "gelu_",
    };

    private readonly INamedTypeSymbol _torch;
    private readonly INamedTypeSymbol _nn;
    private readonly INamedTypeSymbol? _functional;
    private readonly INamedTypeSymbol? _tensor;
    private readonly INamedTypeSymbol? _module;
    private readonly INamedTypeSymbol? _paddingEnum;

    /// <summary>TorchSharp's types in one compilation, looked up once: a metadata-name lookup per library was a sixth of the analysis.</summary>
    private sealed record Types(INamedTypeSymbol Torch, INamedTypeSymbol Nn, INamedTypeSymbol? Functional, INamedTypeSymbol? Tensor, INamedTypeSymbol? Module, INamedTypeSymbol? PaddingEnum);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Runtime.CompilerServices.StrongBox<Types?>> TypesOf = new();

    private TorchLibrary(Types types)
    {
        _torch = types.Torch;
        _nn = types.Nn;
        _functional = types.Functional;
        _tensor = types.Tensor;
        _module = types.Module;
        _paddingEnum = types.PaddingEnum;
    }

    /// <summary>Where the current interpretation records what it finds; set by the network runner.</summary>
    public NetworkRecorder Recorder { get; set; } = new();

    /// <summary>A library for one interpretation (it holds that run's recorder), or null when the compilation does not reference TorchSharp.</summary>
    public static TorchLibrary? Create(Compilation compilation) =>
        TypesOf.GetValue(compilation, static c => new System.Runtime.CompilerServices.StrongBox<Types?>(
            c.GetTypeByMetadataName("TorchSharp.torch") is { } torch && c.GetTypeByMetadataName("TorchSharp.torch+nn") is { } nn
                ? new Types(torch, nn, c.GetTypeByMetadataName("TorchSharp.torch+nn+functional"), c.GetTypeByMetadataName("TorchSharp.torch+Tensor"),
                    c.GetTypeByMetadataName("TorchSharp.torch+nn+Module"), c.GetTypeByMetadataName("TorchSharp.Padding"))
                : null)).Value is { } types
            ? new TorchLibrary(types)
            : null;

    public bool IsModuleType(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, _module))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsTensor(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, _tensor);

    private bool InTorch(INamedTypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, _torch))
            {
                return true;
            }
        }

        return type?.ContainingNamespace is { } ns && (ns.Name == "TorchSharp" && ns.ContainingNamespace is { IsGlobalNamespace: true }
            || ns is { Name: "Modules", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } });
    }

    public Value? Intercept(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation) =>
        method.Name is "forward" && arguments.Length == 1 && arguments[0] is TensorValue input && state.Get<InstanceObject>(receiver) is { } instance && IsModuleType(instance.Type)
            ? Apply(interpreter, frame, state, receiver!, input, operation, null)
            : null;

    /// <summary><c>new ModuleList&lt;T&gt;(...)</c>, <c>new ModuleDict&lt;T&gt;()</c>, <c>new Sequential(...)</c>: the containers' own constructors.</summary>
    public Value? Construct(Interpreter interpreter, Frame frame, State state, INamedTypeSymbol type, IMethodSymbol? constructor, Value[] arguments, IOperation operation)
    {
        if (!InTorch(type) || type.Name is not ("ModuleList" or "ModuleDict" or "Sequential") || constructor is null)
        {
            return null;
        }

        var (items, names, unknown) = Children(state, constructor, arguments);
        var children = interpreter.Allocate(state, new SequenceObject(items, isArray: false, names ?? (type.Name == "ModuleDict" ? ImmutableList<string>.Empty : null)) { UnknownReason = unknown });
        return interpreter.New(state, new LibraryObject(new ContainerModule(type.Name, children)), operation.Syntax);
    }

    public Value? GetProperty(Interpreter interpreter, Frame frame, State state, IPropertySymbol property, Value? receiver, Value[] arguments, IOperation operation)
    {
        if (!InTorch(property.ContainingType))
        {
            return null;
        }

        if (receiver is TensorValue tensor)
        {
            switch (property.Name)
            {
                case "shape":
                    return tensor.Shape is { } shape
                        ? interpreter.New(state, new SequenceObject(shape.Select(d => (Value)new NumberValue(d)).ToImmutableList(), isArray: true))
                        : interpreter.New(state, new SequenceObject(ImmutableList<Value>.Empty, true) { UnknownReason = tensor.UnknownReason ?? "the tensor's shape is unknown" });
                case "ndim" or "Dimensions":
                    return tensor.Shape is { } s ? Values.Number(s.Length) : new UnknownValue(tensor.UnknownReason ?? "the tensor's rank is unknown");
                case "T" or "mT":
                    return tensor.Shape is { Length: 2 } t2 ? tensor.With([t2[1], t2[0]]) : TensorValue.Unknown("a transpose of an unknown shape");
            }

            return Interpreter.Unknown(property.Type, $"Tensor.{property.Name} is not modelled");
        }

        if (state.Get<LibraryObject>(receiver)?.Payload is ContainerModule container)
        {
            var children = state.TryGet(container.Children, out var c) ? c as SequenceObject : null;
            switch (property.Name)
            {
                case "Count" when children is { UnknownReason: null }:
                    return Values.Number(children.Items.Count);
                case "this[]" when arguments.Length == 1 && children is not null:
                    if (arguments[0] is ConstantValue { Constant: string key } && children.Names is { } names)
                    {
                        var index = names.IndexOf(key);
                        return index >= 0 ? children.Items[index] : new UnknownValue($"no module named \"{key}\"");
                    }

                    return interpreter.ElementAt(new RefValue(container.Children), arguments[0].AsLong(), state, property.Type, operation.Syntax);
            }
        }

        return null;
    }

    public Value? Operator(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value[] arguments, IOperation operation)
    {
        if (!InTorch(method.ContainingType))
        {
            return null;
        }

        var tensors = arguments.OfType<TensorValue>().ToList();
        if (method.Name is "op_Addition" or "op_Subtraction" or "op_Multiply" or "op_Division" or "op_UnaryNegation" or "op_Modulus")
        {
            if (tensors.Count == 2)
            {
                return Elementwise(tensors[0], tensors[1], operation, frame, interpreter, state);
            }

            if (tensors.Count == 1)
            {
                return tensors[0];
            }
        }

        return TensorValue.Unknown($"operator {method.Name} on tensors is not modelled");
    }

    private Value Elementwise(TensorValue a, TensorValue b, IOperation operation, Frame frame, Interpreter interpreter, State state)
    {
        if (a.Shape is null || b.Shape is null)
        {
            return TensorValue.Unknown(a.UnknownReason ?? b.UnknownReason ?? "an operand's shape is unknown");
        }

        var outcome = TensorOps.Broadcast(a.Shape, b.Shape);
        return FromOp(outcome, a, operation, frame, interpreter, state);
    }

    /// <summary>Turns a tensor-op outcome into a value, recording a failure where it is certain.</summary>
    private Value FromOp(OpOutcome outcome, TensorValue from, IOperation operation, Frame frame, Interpreter interpreter, State state, LayerSite? producer = null)
    {
        if (outcome.Failure is { } failure)
        {
            Recorder.Op(operation.Syntax, failure.DiagnosticId, failure.Message, interpreter.IsCertain(frame, state));
            return TensorValue.Unknown(TensorValue.AfterFailure);
        }

        return outcome.Shape is { } shape ? new TensorValue(shape, from.Pending, producer ?? from.Producer) : TensorValue.Unknown($"'{Interpreter.Abbreviate(operation.Syntax)}' gives a shape the interpreter cannot compute");
    }

    public Value? Invoke(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation)
    {
        var type = method.ContainingType;
        if (!InTorch(type))
        {
            return null;
        }

        // module.forward(x) / module.call(x), for every module kind.
        if (method.Name is "forward" or "call" && receiver is not null && arguments.Length >= 1 && arguments[0] is TensorValue input && !IsTensor(type))
        {
            var requested = arguments.Length == 2 ? Longs(state, arguments[1]) : null;
            return Apply(interpreter, frame, state, receiver, input, operation, requested);
        }

        if (SymbolEqualityComparer.Default.Equals(type, _nn) && method.IsStatic)
        {
            return Factory(interpreter, frame, state, method, arguments, operation);
        }

        if (SymbolEqualityComparer.Default.Equals(type, _functional) && method.IsStatic)
        {
            return Functional(interpreter, frame, state, method, arguments, operation);
        }

        if (SymbolEqualityComparer.Default.Equals(type, _torch) && method.IsStatic)
        {
            return TorchFunction(interpreter, frame, state, method, arguments, operation);
        }

        if (receiver is TensorValue tensor)
        {
            return TensorMethod(interpreter, frame, state, method, tensor, arguments, operation);
        }

        if (state.Get<LibraryObject>(receiver)?.Payload is ContainerModule container)
        {
            return ContainerMethod(interpreter, state, container, method, arguments, operation);
        }

        if (receiver is RefValue self && state.Get<InstanceObject>(receiver) is { } instance && IsModuleType(instance.Type))
        {
            switch (method.Name)
            {
                case "RegisterComponents" or "train" or "eval" or "zero_grad" or "Dispose":
                    return UnknownValue.Plain;
                case "register_module" when arguments.Length == 2 && arguments[0] is ConstantValue { Constant: string name }:
                    state.Set(self.Id, instance.WithRegistered(name, arguments[1]));
                    return UnknownValue.Plain;
                case "to" or "cuda" or "cpu":
                    return receiver;
            }
        }

        if (method.Name is "to" or "cuda" or "cpu" or "train" or "eval" && state.Get<LibraryObject>(receiver) is not null)
        {
            return receiver;
        }

        // Other TorchSharp calls (parameters(), state_dict(), optimizers, init) do not change a network's structure:
        // their result is unknown, and the modules given to them stay as they are.
        return method.Name is "apply" or "add_module" ? null : Interpreter.Unknown(method.ReturnType, $"{type.Name}.{method.Name} is not modelled");
    }

    private Value? ContainerMethod(Interpreter interpreter, State state, ContainerModule container, IMethodSymbol method, Value[] arguments, IOperation operation)
    {
        if (!state.TryGet(container.Children, out var obj) || obj is not SequenceObject children)
        {
            return null;
        }

        switch (method.Name)
        {
            case "Add" when arguments.Length == 1 && arguments[0] is TupleValue { Items: [ConstantValue { Constant: string key }, var module] }:
                state.Set(container.Children, children.WithItems(children.Items.Add(module), (children.Names ?? Numbered(children.Items.Count)).Add(key)));
                return UnknownValue.Plain;
            case "Add" or "append" when arguments.Length == 1:
                state.Set(container.Children, children.WithItems(children.Items.Add(arguments[0]), children.Names?.Add(children.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                return UnknownValue.Plain;
            case "Add" or "append" when arguments.Length == 2 && arguments[0] is ConstantValue { Constant: string name }:
                state.Set(container.Children, children.WithItems(children.Items.Add(arguments[1]), (children.Names ?? Numbered(children.Items.Count)).Add(name)));
                return UnknownValue.Plain;
            case "GetEnumerator":
                if (container.Kind == "ModuleDict")
                {
                    // Enumerating a ModuleDict gives (key, module) pairs.
                    var pairs = children.Items.Select((m, i) => (Value)new TupleValue(ImmutableArray.Create<Value>(new ConstantValue(children.Names?[i]), m))).ToImmutableList();
                    return interpreter.New(state, new EnumeratorObject(interpreter.Allocate(state, new SequenceObject(pairs, false) { UnknownReason = children.UnknownReason }), -1));
                }

                return interpreter.New(state, new EnumeratorObject(container.Children, -1));
            case "get_Item" when arguments.Length == 1:
                return interpreter.ElementAt(new RefValue(container.Children), arguments[0].AsLong(), state, method.ReturnType, operation.Syntax);
            case "children" or "modules":
                return interpreter.New(state, children);
            default:
                return null;
        }
    }

    private static ImmutableList<string> Numbered(int count) =>
        Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToImmutableList();

    /// <summary>An <c>nn</c> factory: a layer, a shape-keeping module, or a container.</summary>
    private Value? Factory(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value[] arguments, IOperation operation)
    {
        var name = method.Name;
        if (name is "Sequential" or "ModuleList" or "ModuleDict")
        {
            var (items, names, unknown) = Children(state, method, arguments);
            var children = interpreter.Allocate(state, new SequenceObject(items, isArray: false, names) { UnknownReason = unknown });
            return interpreter.New(state, new LibraryObject(new ContainerModule(name, children)), operation.Syntax);
        }

        var args = Named(state, method, arguments);
        if (LayerTable.Factories.TryGetValue(name, out var row))
        {
            var hasPaddingEnum = method.Parameters.Any(p => p.Name == "padding" && SymbolEqualityComparer.Default.Equals(p.Type, _paddingEnum));
            var (geometry, unknown) = GeometryBuilder.Build(row.Kind, row.Rank, args, hasPaddingEnum);
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Geometry, geometry, args, unknown);
            return interpreter.New(state, new LibraryObject(new LayerModule(site)), operation.Syntax);
        }

        if (LayerTable.OpModules.TryGetValue(name, out var rule))
        {
            var op = rule(args);
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Op, null, args, null) { Op = op, Scope = state.Locals };
            return interpreter.New(state, new LibraryObject(new LayerModule(site)), operation.Syntax);
        }

        if (NeutralFactories.Contains(name))
        {
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, args, null);
            return interpreter.New(state, new LibraryObject(new LayerModule(site)), operation.Syntax);
        }

        if (IsModuleType(method.ReturnType))
        {
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, args, $"nn.{name} is not in the layer table");
            return interpreter.New(state, new LibraryObject(new LayerModule(site) { }), operation.Syntax) is var value ? MarkUnmodelled(state, value, name) : null;
        }

        return null;
    }

    private readonly HashSet<int> _unmodelled = new();

    private Value MarkUnmodelled(State state, RefValue value, string name)
    {
        _unmodelled.Add(value.Id);
        return value;
    }

    /// <summary>The modules given to Sequential/ModuleList/ModuleDict: params, an array, a list, named tuples.</summary>
    private static (ImmutableList<Value> Items, ImmutableList<string>? Names, string? Unknown) Children(State state, IMethodSymbol method, Value[] arguments)
    {
        var items = ImmutableList.CreateBuilder<Value>();
        var names = ImmutableList.CreateBuilder<string>();
        var named = false;
        string? unknown = null;
        foreach (var argument in arguments)
        {
            IEnumerable<Value> values = state.Get<SequenceObject>(argument) is { } sequence
                ? (sequence.UnknownReason is null ? sequence.Items : Fail(ref unknown, sequence.UnknownReason))
                : argument is UnknownValue u ? Fail(ref unknown, u.Reason) : [argument];
            foreach (var value in values)
            {
                if (value is TupleValue { Items: [var key, var module] })
                {
                    named = true;
                    names.Add(key is ConstantValue { Constant: string s } ? s : "?");
                    items.Add(module);
                }
                else
                {
                    names.Add(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    items.Add(value);
                }
            }
        }

        return (items.ToImmutable(), named || method.Name == "ModuleDict" ? names.ToImmutable() : null, unknown);
    }

    private static IEnumerable<Value> Fail(ref string? unknown, string reason)
    {
        unknown ??= reason;
        return [];
    }

    /// <summary>The arguments by PyTorch's parameter names, arrays read off the heap.</summary>
    private static Dictionary<string, Value> Named(State state, IMethodSymbol method, Value[] arguments)
    {
        var result = new Dictionary<string, Value>(method.Parameters.Length);
        for (var i = 0; i < method.Parameters.Length && i < arguments.Length; i++)
        {
            var value = arguments[i];
            if (state.Get<SequenceObject>(value) is { } sequence)
            {
                value = sequence.UnknownReason is null ? new ItemsValue(sequence.Items) { Origin = value.Origin } : new UnknownValue(sequence.UnknownReason);
            }

            result[LayerTable.PyTorchName(method.Name, method.Parameters[i].Name)] = value;
        }

        return result;
    }

    private static IReadOnlyList<Value>? Longs(State state, Value value) =>
        state.Get<SequenceObject>(value) is { UnknownReason: null } s ? s.Items : value is TupleValue t ? t.Items : null;

    /// <summary>Runs a module on a tensor: a layer, a container's children in order, or a module class's forward.</summary>
    public Value Apply(Interpreter interpreter, Frame frame, State state, Value module, TensorValue input, IOperation operation, IReadOnlyList<Value>? requested)
    {
        if (Recorder.ApplyDepth > 0)
        {
            return ApplyModule(interpreter, frame, state, module, input, operation, requested);
        }

        // A forward call outside any forward: a network root on a known input (DESIGN §3).
        if (input.Shape is null || module is not RefValue root)
        {
            return TensorValue.Unknown(input.UnknownReason ?? "a module applied to a tensor of unknown shape");
        }

        var marks = Recorder.Mark();
        Recorder.SetRoot(state, root, IsModuleType);
        Recorder.InputLabel = Dim.Format(input.Shape);
        Recorder.Roots.Add((root.Id, operation.Syntax));
        Recorder.ApplyDepth++;
        var result = ApplyModule(interpreter, frame, state, module, input, operation, requested);
        Recorder.ApplyDepth--;
        Recorder.Outputs.Add(new OutputRecord(state.Get<InstanceObject>(module)?.Type, Recorder.InputLabel, input.Shape, result as TensorValue, interpreter.IsCertain(frame, state)));
        RootApplied?.Invoke(new RootRun(interpreter, frame, state, module, input, operation, marks));
        return result;
    }

    /// <summary>Called after a root ran on an input (the search for accepted neighbours of a failing size runs it again).</summary>
    public System.Action<RootRun>? RootApplied { get; set; }

    private Value ApplyModule(Interpreter interpreter, Frame frame, State state, Value module, TensorValue input, IOperation operation, IReadOnlyList<Value>? requested)
    {
        switch (state.Get(module))
        {
            case LibraryObject { UnknownReason: { } escaped }:
                return TensorValue.Unknown(escaped);
            case LibraryObject { Payload: LayerModule layer } when !_unmodelled.Contains(((RefValue)module).Id):
                return ApplyLayer(interpreter, frame, state, layer.Site, Recorder.KeyOf(((RefValue)module).Id), input, requested);
            case LibraryObject { Payload: LayerModule layer }:
                Recorder.Unknown(layer.Site, Recorder.KeyOf(((RefValue)module).Id), $"nn.{layer.Site.Name} is not in the layer table");
                return TensorValue.Unknown($"nn.{layer.Site.Name} is not modelled");
            case LibraryObject { Payload: ContainerModule { Kind: "Sequential" } sequential } when requested is null:
                if (!state.TryGet(sequential.Children, out var c) || c is not SequenceObject { UnknownReason: null } children)
                {
                    var unknownChildren = (c as SequenceObject)?.UnknownReason ?? "a Sequential whose modules are unknown";
                    Recorder.Unknown(new LayerSite(operation.Syntax, "Sequential", ModuleRule.Neutral, null, ImmutableDictionary<string, Value>.Empty, unknownChildren), Recorder.KeyOf(((RefValue)module).Id), $"its modules are unknown: {unknownChildren}");
                    return TensorValue.Unknown(unknownChildren);
                }

                Value x = input;
                foreach (var child in children.Items)
                {
                    if (x is not TensorValue t)
                    {
                        return TensorValue.Unknown("a Sequential stage gave no tensor");
                    }

                    x = ApplyModule(interpreter, frame, state, child, t, operation, null);
                }

                return x;
            case InstanceObject { UnknownReason: { } reason }:
                return TensorValue.Unknown(reason);
            case InstanceObject instance:
                var forward = ForwardOf(instance.Type);
                if (forward is null)
                {
                    return TensorValue.Unknown($"{instance.Type.Name} has no forward(Tensor) the interpreter can read");
                }

                var previous = Recorder.CurrentModule;
                Recorder.CurrentModule = ((RefValue)module).Id;
                var result = interpreter.Invoke(forward, module, [input], state, frame, !interpreter.IsCertain(frame, state));
                Recorder.CurrentModule = previous;
                return result;
            default:
                var why = module is UnknownValue u ? u.Reason : "a module the interpreter does not know";
                Recorder.Unknown(new LayerSite(operation.Syntax, "forward", ModuleRule.Neutral, null, ImmutableDictionary<string, Value>.Empty, why), Recorder.KeyOf(Recorder.CurrentModule), $"the module is unknown: {why}");
                return TensorValue.Unknown(why);
        }
    }

    private IMethodSymbol? ForwardOf(INamedTypeSymbol type)
    {
        for (var t = type; t is not null && t.DeclaringSyntaxReferences.Length > 0; t = t.BaseType)
        {
            foreach (var member in t.GetMembers("forward").OfType<IMethodSymbol>())
            {
                if (member.Parameters.Length == 1 && IsTensor(member.Parameters[0].Type) && !member.IsAbstract)
                {
                    return member;
                }
            }
        }

        return null;
    }

    /// <summary>One layer on one input: the arithmetic's outcome, recorded for the diagnostics.</summary>
    private Value ApplyLayer(Interpreter interpreter, Frame frame, State state, LayerSite site, string context, TensorValue input, IReadOnlyList<Value>? requested)
    {
        var certain = interpreter.IsCertain(frame, state);
        if (input.UnknownReason == TensorValue.AfterFailure)
        {
            return input;
        }

        if (input.Shape is null)
        {
            Recorder.Unknown(site, context, input.UnknownReason ?? "its input's shape is unknown");
            return TensorValue.Unknown(input.UnknownReason ?? $"the input of {site.Name} is unknown");
        }

        if (site.Rule == ModuleRule.Neutral)
        {
            Recorder.Layer(new LayerRecord(site, context, Recorder.InputLabel, input.Shape, input.Shape, null, certain, input.Producer));
            return input;
        }

        if (site.Rule == ModuleRule.Op)
        {
            if (site.Op is not { } op)
            {
                Recorder.Unknown(site, context, site.FirstUnknownArgument() ?? "its arguments are unknown");
                return TensorValue.Unknown($"{site.Name}'s arguments are unknown");
            }

            var opOutcome = op(input.Shape);
            if (opOutcome.Failure is { } failure)
            {
                // At the constant responsible: the channels a norm expects, where they were written.
                var parameter = site.Name switch
                {
                    "GroupNorm" => "num_channels",
                    "LayerNorm" => "normalized_shape",
                    "PixelShuffle" => "upscale_factor",
                    "PixelUnshuffle" => "downscale_factor",
                    _ when site.Name.StartsWith("InstanceNorm", System.StringComparison.Ordinal) => "num_features",
                    _ => "padding",
                };
                Recorder.Op(site.LocationOf(failure.DiagnosticId == OpFailure.SizeMismatch ? parameter : null), failure.DiagnosticId, failure.Message, certain, site.Call);
                if (failure.Needs is { } needs && site.Arguments.ContainsKey(parameter))
                {
                    // What the fix sets the parameter to.
                    Recorder.Ops[Recorder.Ops.Count - 1] = Recorder.Ops[Recorder.Ops.Count - 1] with { Site = site, Parameter = parameter, Needs = needs };
                }

                return TensorValue.Unknown(TensorValue.AfterFailure);
            }

            if (opOutcome.Shape is not { } opShape)
            {
                Recorder.Unknown(site, context, $"{site.Name} of {Dim.Format(input.Shape)} is not known");
                return TensorValue.Unknown($"{site.Name}'s output is unknown");
            }

            Recorder.Layer(new LayerRecord(site, context, Recorder.InputLabel, input.Shape, opShape, null, certain, input.Producer));
            return new TensorValue(opShape, input.Pending, input.Producer);
        }

        if (site.Geometry is not { } g)
        {
            Recorder.Unknown(site, context, site.UnknownReason ?? "its arguments are unknown");
            return TensorValue.Unknown($"{site.Name}'s arguments are unknown");
        }

        // The batch may be a symbol: the layer never reads it, so a stand-in of 1 is used and the symbol restored.
        var dims = new long[input.Shape.Length];
        var restoreBatch = false;
        for (var i = 0; i < dims.Length; i++)
        {
            if (input.Shape[i].IsKnown)
            {
                // Read without a trace's notice: SizeTrace.Layer below records what the layer does with it.
                dims[i] = input.Shape[i].Peek;
            }
            else if (i == 0 && input.Shape.Length > g.SpatialRank + 1 && !(g.Kind == LayerKind.Flatten && g.StartDim == 0))
            {
                dims[i] = 1;
                restoreBatch = true;
            }
            else
            {
                Recorder.Unknown(site, context, $"dimension {i} of its input {Dim.Format(input.Shape)} is unknown{(input.UnknownReason is { } r ? ": " + r : string.Empty)}");
                return TensorValue.Unknown($"the input of {site.Name} has an unknown dimension");
            }
        }

        var sizes = requested?.Select(v => v.AsLong()).ToList();
        if (sizes is not null && sizes.Any(s => s is null))
        {
            Recorder.Unknown(site, context, "the output_size passed to forward is unknown");
            return TensorValue.Unknown("an unknown output_size");
        }

        var outcome = ShapeAlgebra.Forward(g, TensorShape.Own(dims), OutputPaddingSemantics.TorchSharpForward, sizes?.Select(s => s!.Value).ToList(), render: !Recorder.Probe);
        if (!outcome.IsKnown)
        {
            Recorder.Unknown(site, context, site.FirstUnknownArgument() ?? "an argument is unknown");
            return TensorValue.Unknown($"{site.Name}'s output is unknown");
        }

        Dim[]? output = null;
        if (outcome.Output is { } shape)
        {
            output = Dim.From(shape.Dims);
            if (restoreBatch && output.Length > 0)
            {
                output[0] = input.Shape[0];
            }
        }

        SizeTrace.Layer(g, input.Shape, output, sizes is not null);

        Recorder.Layer(new LayerRecord(site, context, Recorder.InputLabel, input.Shape, output, outcome, certain, input.Producer));
        if (output is null)
        {
            return TensorValue.Unknown(TensorValue.AfterFailure);
        }

        var pending = input.Pending;
        if (g.Kind.IsFeatureLayer() && g.Kind != LayerKind.BatchNorm)
        {
            pending = ImmutableStack<PendingPair>.Empty;
        }
        else if (MirrorPairing.Downsamples(g))
        {
            pending = pending.Push(new PendingPair(dims.Skip(dims.Length - g.SpatialRank).ToArray(), site) { Dims = input.Shape.Skip(dims.Length - g.SpatialRank).ToArray() });
        }
        else if (MirrorPairing.Upsamples(g) && !pending.IsEmpty)
        {
            pending = pending.Pop(out var encoder);
            if (SizeTrace.Recording is not null && encoder.Dims is { } encoded && encoded.Length == g.SpatialRank)
            {
                // Whether the decoder gives its encoder's sizes back is a decision of a free-size trace.
                for (var d = 0; d < encoded.Length; d++)
                {
                    var back = output[output.Length - g.SpatialRank + d];
                    SizeTrace.Decide(SizeStep.Equal, back, encoded[d], back.Peek == encoded[d].Peek);
                }
            }

            Recorder.Pair(site, context, encoder, dims.Skip(dims.Length - g.SpatialRank).ToArray(), outcome.Output!.Spatial(g.SpatialRank), certain);
        }

        var producer = g.Kind is LayerKind.Conv or LayerKind.ConvTranspose or LayerKind.Linear ? site
            : g.Kind is LayerKind.Flatten or LayerKind.Unflatten ? null
            : input.Producer;
        return new TensorValue(output, pending, producer);
    }

    private Value? Functional(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value[] arguments, IOperation operation)
    {
        if (arguments.Length == 0 || arguments[0] is not TensorValue input)
        {
            return null;
        }

        var name = method.Name;
        var context = Recorder.KeyOf(Recorder.CurrentModule);
        if (LayerTable.Functionals.TryGetValue(name, out var row))
        {
            var args = Named(state, method, arguments);
            var (geometry, unknown) = GeometryBuilder.Build(row.Kind, row.Rank, args, false);
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Geometry, geometry, args, unknown);
            return ApplyLayer(interpreter, frame, state, site, context, input, null);
        }

        if (NeutralFunctions.Contains(name))
        {
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, ImmutableDictionary<string, Value>.Empty, null);
            return ApplyLayer(interpreter, frame, state, site, context, input, null);
        }

        if (name == "interpolate" && input.Shape is { } shape)
        {
            var args = Named(state, method, arguments);
            var size = GeometryBuilder.Items(args.TryGetValue("size", out var s) ? s : null)?.Select(v => v.AsLong()).ToList();
            var scale = GeometryBuilder.Items(args.TryGetValue("scale_factor", out var f) ? f : null)?.Select(v => v.AsReal()).ToList();
            if ((size is null || size.Any(v => v is null)) && (scale is null || scale.Any(v => v is null)))
            {
                var site0 = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, args, "interpolate's size and scale_factor are unknown");
                Recorder.Unknown(site0, context, site0.UnknownReason!);
                return TensorValue.Unknown("interpolate's size is unknown");
            }

            var outcome = TensorOps.Interpolate(shape, size?.Select(v => v!.Value).ToList(), scale?.Select(v => v!.Value).ToList());
            var site1 = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, args, null);
            ResizedToEncoder(input, outcome);
            RecordOp(site1, context, input, outcome, interpreter.IsCertain(frame, state));
            return FromOp(outcome, input, operation, frame, interpreter, state);
        }

        if (name == "pad" && input.Shape is { } padded && arguments.Length >= 2 && Longs(state, arguments[1]) is { } pads && pads.All(p => p is NumberValue { IsReal: false, Integer.IsKnown: true }))
        {
            // The pads as numbers (a pad computed from a traced size keeps its trace).
            var outcome = TensorOps.Pad(padded, pads.Select(p => ((NumberValue)p).Integer).ToList());
            var site = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, ImmutableDictionary<string, Value>.Empty, null);
            ResizedToEncoder(input, outcome);
            RecordOp(site, context, input, outcome, interpreter.IsCertain(frame, state));
            return FromOp(outcome, input, operation, frame, interpreter, state);
        }

        var unknownSite = new LayerSite(operation.Syntax, name, ModuleRule.Neutral, null, ImmutableDictionary<string, Value>.Empty, null);
        Recorder.Unknown(unknownSite, context, name is "interpolate" or "pad" && input.Shape is null
            ? input.UnknownReason ?? "its input's shape is unknown"
            : $"functional.{name} is not in the layer table");
        return TensorValue.Unknown($"functional.{name} is not modelled");
    }

    /// <summary>
    /// A ConvTranspose's output padded or interpolated to exactly what its encoder layer received (the U-Net idiom
    /// <c>pad(up(x), [0, skip.shape[3] - u.shape[3], ...])</c>): the forward gives the encoder's size back itself, so the
    /// pair is not a mismatch (no CONV005) and its size is accepted.
    /// </summary>
    private void ResizedToEncoder(TensorValue input, OpOutcome outcome)
    {
        if (outcome.Shape is not { } result || input.Producer is not { Geometry: { Kind: LayerKind.ConvTranspose } g } producer)
        {
            return;
        }

        if (Recorder.LatestPair(producer) is not { } pair)
        {
            return;
        }

        var encoder = pair.Encoder.Dims ?? Dim.From(pair.Encoder.Spatial);
        var rank = encoder.Length;
        var back = result.Length >= rank && rank == g.SpatialRank;
        for (var d = 0; back && d < rank; d++)
        {
            var size = result[result.Length - rank + d];
            back = size.IsKnown && encoder[d].IsKnown && size.Equals(encoder[d]);
        }

        if (back)
        {
            Recorder.Drop(pair);
        }
    }

    private void RecordOp(LayerSite site, string context, TensorValue input, OpOutcome outcome, bool certain)
    {
        if (outcome.Shape is { } shape && input.Shape is { } inShape)
        {
            Recorder.Layer(new LayerRecord(site, context, Recorder.InputLabel, inShape, shape, null, certain, input.Producer));
        }
    }

    private Value? TorchFunction(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value[] arguments, IOperation operation)
    {
        var name = method.Name;
        if (name is "randn" or "rand" or "zeros" or "ones" or "empty" or "full" or "randint" or "tensor" && TensorFactoryShape(state, method, arguments) is { } shape)
        {
            return new TensorValue(shape, ImmutableStack<PendingPair>.Empty);
        }

        if (name is "NewDisposeScope")
        {
            return interpreter.New(state, new LibraryObject(OpaqueLibraryValue.DisposeScope));
        }

        if (name is "cat" or "concat" or "concatenate" or "stack" && arguments.Length == 2)
        {
            var parts = state.Get<SequenceObject>(arguments[0]);
            var dim = arguments[1].AsLong();
            if (parts is not { UnknownReason: null } || dim is null)
            {
                return TensorValue.Unknown(parts?.UnknownReason ?? "the tensors joined, or the dim, are unknown");
            }

            var tensors = parts.Items.OfType<TensorValue>().ToList();
            if (tensors.Count != parts.Items.Count || tensors.Count == 0 || tensors.Any(t => t.Shape is null))
            {
                return TensorValue.Unknown(tensors.FirstOrDefault(t => t.Shape is null)?.UnknownReason ?? "a joined tensor is unknown");
            }

            var outcome = name == "stack" ? TensorOps.Stack(tensors.Select(t => t.Shape!).ToList(), dim.Value) : TensorOps.Cat(tensors.Select(t => t.Shape!).ToList(), dim.Value);
            return FromOp(outcome, tensors[0], operation, frame, interpreter, state);
        }

        if (arguments.Length >= 1 && arguments[0] is TensorValue first)
        {
            // torch.relu(x), torch.flatten(x, 1), torch.add(a, b), ...: the tensor method of the same name.
            return TensorMethod(interpreter, frame, state, method, first, arguments.Skip(1).ToArray(), operation, parametersOffset: 1);
        }

        return null;
    }

    private static Dim[]? TensorFactoryShape(State state, IMethodSymbol method, Value[] arguments)
    {
        var sizes = new List<Dim>();
        for (var i = 0; i < method.Parameters.Length && i < arguments.Length; i++)
        {
            var parameter = method.Parameters[i];
            var type = parameter.Type;
            if (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int64 } || type.Name == "ReadOnlySpan")
            {
                if (state.Get<SequenceObject>(arguments[i]) is not { UnknownReason: null } sequence)
                {
                    return null;
                }

                foreach (var item in sequence.Items)
                {
                    if (item is not NumberValue { IsReal: false } n || (n.Integer.Known is long k && k < 0))
                    {
                        return null;
                    }

                    sizes.Add(n.Integer);
                }
            }
            else if (type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32 && !parameter.IsOptional
                && (parameter.Name.StartsWith("size", System.StringComparison.Ordinal) || parameter.Name.StartsWith("dim", System.StringComparison.Ordinal) || parameter.Name is "rows" or "columns"))
            {
                if (arguments[i] is not NumberValue { IsReal: false } n || (n.Integer.Known is long k && k < 0))
                {
                    return null;
                }

                sizes.Add(n.Integer);
            }
        }

        return sizes.Count > 0 ? sizes.ToArray() : null;
    }

    private Value? TensorMethod(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, TensorValue tensor, Value[] arguments, IOperation operation, int parametersOffset = 0)
    {
        var name = method.Name;
        var shape = tensor.Shape;
        long? Arg(int i) => i < arguments.Length ? arguments[i].AsLong() : null;
        if (NeutralFunctions.Contains(name))
        {
            if (IsTensor(method.ReturnType))
            {
                if (name == "where" || name == "masked_fill")
                {
                    return tensor;
                }

                return ReplaceInPlace(interpreter, frame, state, operation, name, tensor);
            }

            return null;
        }

        if (shape is null)
        {
            return IsTensor(method.ReturnType) ? TensorValue.Unknown(tensor.UnknownReason ?? "the tensor's shape is unknown") : null;
        }

        switch (name)
        {
            case "size" when arguments.Length == 0:
                return interpreter.New(state, new SequenceObject(shape.Select(d => (Value)new NumberValue(d)).ToImmutableList(), true));
            case "size" when Arg(0) is long d:
                var index = d < 0 ? d + shape.Length : d;
                return index >= 0 && index < shape.Length ? new NumberValue(shape[index]) : new UnknownValue("a dim out of range");
            case "dim" or "ndimension":
                return Values.Number(shape.Length);
            case "numel":
                return Dim.AllKnown(shape) is { } all ? Values.Number(all.Aggregate(1L, (a, b) => a * b)) : new UnknownValue("numel of an unknown shape");
        }

        if (!IsTensor(method.ReturnType) && !(method.ReturnType is IArrayTypeSymbol && name is "chunk" or "split"))
        {
            return null;
        }

        OpOutcome? outcome = null;
        switch (name)
        {
            case "view" or "reshape" or "view_" or "reshape_":
                var sizes = Sizes(state, arguments);
                outcome = sizes is null ? OpOutcome.Unknown : TensorOps.View(shape, sizes);
                break;
            case "flatten":
                outcome = TensorOps.Flatten(shape, Arg(0) ?? 0, arguments.Length > 1 ? Arg(1) ?? long.MinValue : -1);
                break;
            case "unflatten" when Arg(0) is long dim && arguments.Length == 2 && Sizes(state, arguments.Skip(1).ToArray()) is { } parts:
                outcome = TensorOps.Unflatten(shape, dim, parts);
                break;
            case "permute" when Sizes(state, arguments) is { } order && order.All(o => o.IsKnown):
                outcome = TensorOps.Permute(shape, order.Select(o => o.Value).ToList());
                break;
            case "transpose" or "transpose_" or "swapaxes" or "swapdims" when Arg(0) is long d0 && Arg(1) is long d1:
                outcome = TensorOps.Transpose(shape, d0, d1);
                break;
            case "t" when shape.Length <= 2:
                outcome = shape.Length == 2 ? TensorOps.Transpose(shape, 0, 1) : OpOutcome.Of(shape);
                break;
            case "squeeze" or "squeeze_":
                outcome = TensorOps.Squeeze(shape, arguments.Length == 0 ? null : Arg(0) ?? long.MinValue);
                break;
            case "unsqueeze" or "unsqueeze_" when Arg(0) is long u:
                outcome = TensorOps.Unsqueeze(shape, u);
                break;
            case "mean" or "sum" or "amax" or "amin" or "std" or "var" or "prod" or "logsumexp" or "nanmean" or "nansum":
                outcome = Reduction(state, method, arguments, shape, parametersOffset);
                break;
            case "add" or "sub" or "mul" or "div" or "maximum" or "minimum" or "add_" or "sub_" or "mul_" or "div_" when arguments.Length >= 1:
                if (arguments[0] is TensorValue other)
                {
                    if (other.Shape is null)
                    {
                        return TensorValue.Unknown(other.UnknownReason ?? "an operand is unknown");
                    }

                    outcome = TensorOps.Broadcast(shape, other.Shape);
                    break;
                }

                return tensor;
            case "matmul" or "mm" or "bmm" when arguments.Length == 1 && arguments[0] is TensorValue { Shape: { } right }:
                outcome = TensorOps.MatMul(shape, right);
                break;
            case "expand_as" or "type_as" or "view_as" or "reshape_as" when arguments.Length == 1 && arguments[0] is TensorValue { Shape: { } target }:
                outcome = name == "type_as" ? OpOutcome.Of(shape) : TensorOps.View(shape, target);
                break;
            case "chunk" when Arg(0) is long chunks && chunks > 0:
                var chunkDim = arguments.Length > 1 ? Arg(1) : 0;
                if (chunkDim is long cd && TensorOps.Chunk(shape, chunks, cd).Parts is { } pieces)
                {
                    return interpreter.New(state, new SequenceObject(pieces.Select(p => (Value)new TensorValue(p, tensor.Pending, tensor.Producer)).ToImmutableList(), true));
                }

                return interpreter.New(state, new SequenceObject(ImmutableList<Value>.Empty, true) { UnknownReason = "chunks of an unknown size" });
            case "split" when Arg(0) is long splitSize && splitSize > 0:
                var splitDim = arguments.Length > 1 ? Arg(1) : 0;
                if (splitDim is long sd && TensorOps.Split(shape, splitSize, sd).Parts is { } splits)
                {
                    return interpreter.New(state, new SequenceObject(splits.Select(p => (Value)new TensorValue(p, tensor.Pending, tensor.Producer)).ToImmutableList(), true));
                }

                return interpreter.New(state, new SequenceObject(ImmutableList<Value>.Empty, true) { UnknownReason = "splits of an unknown size" });
        }

        if (outcome is null)
        {
            return TensorValue.Unknown($"Tensor.{name} is not modelled");
        }

        var result = FromOp(outcome, tensor, operation, frame, interpreter, state);
        return name.EndsWith("_", System.StringComparison.Ordinal) ? ReplaceInPlace(interpreter, frame, state, operation, name, result) : result;
    }

    /// <summary>An in-place op (<c>x.unsqueeze_(1)</c>) changes the variable it is called on.</summary>
    private static Value ReplaceInPlace(Interpreter interpreter, Frame frame, State state, IOperation operation, string name, Value result)
    {
        if (name.EndsWith("_", System.StringComparison.Ordinal) && operation is IInvocationOperation invocation)
        {
            var target = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).First().Value : null);
            while (target is IConversionOperation conversion)
            {
                target = conversion.Operand;
            }

            if (target is not null)
            {
                interpreter.AssignTo(target, result, frame, state);
            }
        }

        return result;
    }

    private static IReadOnlyList<Dim>? Sizes(State state, Value[] arguments)
    {
        if (arguments.Length == 1 && state.Get<SequenceObject>(arguments[0]) is { } sequence)
        {
            return sequence.UnknownReason is null && sequence.Items.All(i => i is NumberValue { IsReal: false }) ? sequence.Items.Select(i => ((NumberValue)i).Integer).ToList() : null;
        }

        return arguments.All(a => a is NumberValue { IsReal: false }) ? arguments.Select(a => ((NumberValue)a).Integer).ToList() : null;
    }

    private static OpOutcome Reduction(State state, IMethodSymbol method, Value[] arguments, Dim[] shape, int offset)
    {
        IReadOnlyList<long>? dims = null;
        var keepdim = false;
        for (var i = 0; i < arguments.Length && i + offset < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i + offset];
            var value = arguments[i];
            if (parameter.Type.SpecialType == SpecialType.System_Boolean)
            {
                if (parameter.Name is "keepdim" or "keepDim")
                {
                    if (value.AsBool() is not bool k)
                    {
                        return OpOutcome.Unknown;
                    }

                    keepdim = k;
                }
            }
            else if (parameter.Name is "dimensions" or "dims" or "dim")
            {
                if (value is NumberValue { Known: long d })
                {
                    dims = [d];
                }
                else if (state.Get<SequenceObject>(value) is { UnknownReason: null } s && s.Items.All(x => x.AsLong() is not null))
                {
                    dims = s.Items.Select(x => x.AsLong()!.Value).ToList();
                }
                else if (value is not ConstantValue { Constant: null })
                {
                    return OpOutcome.Unknown;
                }
            }
        }

        return TensorOps.Reduce(shape, dims, keepdim);
    }
}

/// <summary>A root module applied to an input outside any forward, with where the recorder stood before it.</summary>
internal sealed record RootRun(Interpreter Interpreter, Frame Frame, State State, Value Module, TensorValue Input, IOperation Operation, RecorderMarks Marks);
