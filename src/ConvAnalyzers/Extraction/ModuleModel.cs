using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Extraction;

/// <summary>A module class with its base classes merged: every member's value and the forward that runs.</summary>
internal sealed class ModuleModel
{
    private ModuleModel(INamedTypeSymbol type, IReadOnlyDictionary<ISymbol, IOperation> members, IMethodSymbol? forward, IOperation? body, bool hasSourceBase)
    {
        Type = type;
        Members = members;
        Forward = forward;
        Body = body;
        HasSourceBase = hasSourceBase;
    }

    public INamedTypeSymbol Type { get; }

    public IReadOnlyDictionary<ISymbol, IOperation> Members { get; }

    public IMethodSymbol? Forward { get; }

    public IOperation? Body { get; }

    /// <summary>A base class in this compilation contributes members or forward.</summary>
    public bool HasSourceBase { get; }

    /// <summary>Merges the states of <paramref name="type"/> and its base classes (the most derived wins).</summary>
    public static ModuleModel? Resolve(INamedTypeSymbol type, Func<INamedTypeSymbol, ModuleState?> states)
    {
        var chain = new List<ModuleState>();
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (states(t.OriginalDefinition) is { } state)
            {
                chain.Add(state);
            }
        }

        if (chain.Count == 0)
        {
            return null;
        }

        if (chain.Count == 1)
        {
            var only = chain[0].Snapshot();
            return new ModuleModel(type, only.Members, only.Forward, only.Body, hasSourceBase: false);
        }

        var members = new Dictionary<ISymbol, IOperation>(SymbolEqualityComparer.Default);
        IMethodSymbol? forward = null;
        IOperation? body = null;
        foreach (var state in Enumerable.Reverse(chain))
        {
            var snapshot = state.Snapshot();
            foreach (var member in snapshot.Members)
            {
                members[member.Key] = member.Value;
            }

            if (snapshot.Forward is not null)
            {
                (forward, body) = (snapshot.Forward, snapshot.Body);
            }
        }

        return new ModuleModel(type, members, forward, body, chain.Count > 1);
    }

    /// <summary>True when a member builds another module class of this compilation (<c>new Block(...)</c>).</summary>
    public bool BuildsModules(Func<INamedTypeSymbol, bool> isSourceModule) =>
        Members.Values.SelectMany(v => v.DescendantsAndSelf()).OfType<IObjectCreationOperation>()
            .Any(c => c.Type is INamedTypeSymbol t && isSourceModule(t));
}

/// <summary>Runs a module class's forward on a value, inside the flow of the module that uses it.</summary>
internal sealed class ModuleRunner
{
    private const int MaxDepth = 8;

    private readonly TorchSharpSymbols _symbols;
    private readonly Func<INamedTypeSymbol, ModuleModel?> _modules;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<INamedTypeSymbol, FlowBuilder> _builders = new(SymbolEqualityComparer.Default);
    private int _depth;

    public ModuleRunner(TorchSharpSymbols symbols, Func<INamedTypeSymbol, ModuleModel?> modules, CancellationToken cancellationToken)
    {
        _symbols = symbols;
        _modules = modules;
        _cancellationToken = cancellationToken;
    }

    /// <summary>One builder per class, so that its steps are built once however often the class runs.</summary>
    public FlowBuilder BuilderFor(ModuleModel model)
    {
        if (!_builders.TryGetValue(model.Type, out var builder))
        {
            _builders[model.Type] = builder = new FlowBuilder(_symbols, model.Members, _modules, _cancellationToken);
        }

        return builder;
    }

    /// <summary>The module's output, or null when unknown (also for modules nested deeper than the limit, e.g. cycles).</summary>
    public TensorValue? Run(ModuleModel model, TensorValue? input, ShapePropagator propagator)
    {
        if (input is null || model.Forward is null || model.Body is null || _depth >= MaxDepth)
        {
            return null;
        }

        _depth++;
        try
        {
            var interpreter = new ForwardInterpreter(BuilderFor(model), propagator, _cancellationToken);
            interpreter.Run(model.Forward, model.Body, input);
            return interpreter.Output;
        }
        finally
        {
            _depth--;
        }
    }
}
