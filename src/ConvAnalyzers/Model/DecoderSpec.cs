using System;

namespace ConvAnalyzers.Model;

/// <summary>One generated submodule: its field type, the expression that builds it, and how forward applies it.</summary>
/// <param name="Name">The submodule (and state-dict) name, derived from the encoder's member.</param>
/// <param name="FieldType">The fully qualified TorchSharp module type.</param>
/// <param name="Factory">The C# expression that builds it, <c>device</c> and <c>dtype</c> in scope.</param>
/// <param name="OutputSize">Spatial sizes for <c>forward(x, output_size)</c>, or empty for <c>forward(x)</c>.</param>
public sealed record DecoderLayerSpec(string Name, string FieldType, string Factory, EquatableArray<long> OutputSize);

/// <summary>Everything the emitter needs for one [MirrorDecoder] class, compared by value for incremental caching.</summary>
public sealed record DecoderSpec(
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string Accessibility,
    string ClassName,
    bool DeclaresBaseType,
    string EncoderName,
    EquatableArray<DecoderLayerSpec> Layers,
    EquatableArray<TraceStage> Trace);

/// <summary>A stage of the shape trace: the shape after it and what produced it (the input first).</summary>
public sealed record TraceStage(string Stage, EquatableArray<long> Shape);
