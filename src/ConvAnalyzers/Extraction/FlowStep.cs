using System.Collections.Immutable;

namespace ConvAnalyzers.Extraction;

/// <summary>One stage of a network as the analyzers understand it.</summary>
internal abstract class FlowStep
{
}

/// <summary>A conv-family (or feature) layer built by a TorchSharp factory call.</summary>
internal sealed class LayerStep : FlowStep
{
    public LayerStep(LayerCall call) => Call = call;

    public LayerCall Call { get; }
}

/// <summary>A <c>Sequential</c>: its steps in order, nested Sequentials flattened.</summary>
internal sealed class SequenceStep : FlowStep
{
    public SequenceStep(ImmutableArray<FlowStep> steps) => Steps = steps;

    public ImmutableArray<FlowStep> Steps { get; }
}

/// <summary>An instance of a module class of this compilation (<c>new Block(64)</c>): its forward runs in place.</summary>
internal sealed class ClassStep : FlowStep
{
    public ClassStep(ModuleModel model) => Model = model;

    public ModuleModel Model { get; }
}

/// <summary>Activations, dropout, normalizations that keep the shape.</summary>
internal sealed class NeutralStep : FlowStep
{
    public NeutralStep(string factory) => Factory = factory;

    /// <summary>The TorchSharp factory that built it (<c>ReLU</c>, <c>Dropout</c>, ...).</summary>
    public string Factory { get; }
}

/// <summary>Anything the analyzers do not understand: shapes stop being known here, and nothing is reported.</summary>
internal sealed class UnknownStep : FlowStep
{
    public static readonly UnknownStep Instance = new();
}
