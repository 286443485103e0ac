using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Interpretation;
using ConvAnalyzers.Model;
using ConvAnalyzers.Results;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Generators;

public sealed partial class MirrorDecoderGenerator
{
    /// <summary>
    /// Symbols and syntax in, a <see cref="ParseOutcome"/> out (its spec value-equatable). The encoder's flow is what the interpreter
    /// records when it builds the encoder and runs its forward on the chosen input: blocks, helpers and loops included.
    /// </summary>
    internal static class Parser
    {
        private const string Nn = "global::TorchSharp.torch.nn.";
        private const string Module = "global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>";

        /// <summary>The parameters a mirror copies, in the order a diagnostic about an unknown one names them.</summary>
        private static readonly string[] MirroredParameters =
        {
            "in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "dilation", "groups", "in_features", "out_features",
            "num_features", "output_size", "size", "scale_factor", "start_dim", "end_dim", "padding_mode",
        };

        /// <summary>
        /// Reads one <c>[MirrorDecoder]</c> class declaration: the generator emits its spec, <see cref="MirrorDecoderAnalyzer"/>
        /// reports its problem, so that both agree on every class by construction.
        /// </summary>
        public static ParseOutcome Parse(INamedTypeSymbol decoder, ClassDeclarationSyntax syntax, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
        {
            var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? syntax.Identifier.GetLocation();

            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || decoder.IsGenericType || syntax.Ancestors().OfType<TypeDeclarationSyntax>().Any(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                return Fail(RuleIdentifiers.DecoderNotPartial, syntax.Identifier.GetLocation(),
                    $"[MirrorDecoder] class {decoder.Name} must be partial, not generic, and nested only in partial types, so that its decoder can be generated into it");
            }

            if (attribute.ConstructorArguments.FirstOrDefault().Value is not INamedTypeSymbol encoder || !encoder.Locations.Any(l => l.IsInSource)
                || TorchLibrary.Create(compilation) is not { } library || compilation.GetTypeByMetadataName("TorchSharp.torch+nn") is not { } nn)
            {
                var name = attribute.ConstructorArguments.FirstOrDefault().Value is INamedTypeSymbol e ? e.Name : "the encoder";
                return Fail(RuleIdentifiers.EncoderNotInSource, attributeLocation,
                    $"{name}'s source is not in this compilation (or TorchSharp is not referenced): [MirrorDecoder] reads the encoder's layers from its source");
            }

            var attributes = ShapeAttributes.For(compilation);
            var inputs = attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[1].Kind == TypedConstantKind.Array && attribute.ConstructorArguments[1].Values.Length > 0
                ? new List<TensorShape> { new(attribute.ConstructorArguments[1].Values.Select(v => (long)v.Value!).ToArray()) }
                : attributes.Inputs(encoder).ToList();
            if (inputs.Count != 1 || inputs[0].Dims.Any(d => d < 1))
            {
                return Fail(RuleIdentifiers.EncoderInputUnknown, attributeLocation, inputs.Count == 0
                    ? $"{encoder.Name} has no known input shape: give it as [MirrorDecoder(typeof({encoder.Name}), 2, 256, 24, 32, 24)] or as [InputShape] on {encoder.Name}"
                    : $"{encoder.Name} has {inputs.Count} input shapes: choose one in [MirrorDecoder(typeof({encoder.Name}), ...)]");
            }

            if (ModuleRun.Run(compilation, library, encoder, inputs[0].Dims.ToArray(), cancellationToken) is not { } run)
            {
                return Fail(RuleIdentifiers.LayerNotMirrorable, attributeLocation, $"{encoder.Name} has no forward(Tensor) the generator can read");
            }

            var (recorder, output) = run;

            cancellationToken.ThrowIfCancellationRequested();
            var flow = Flow(encoder, recorder, output, inputs[0], attributeLocation, nn);
            return flow.Error is { } error
                ? Fail(error.Id, error.Location, error.Message)
                : Build(decoder, syntax, encoder, flow.Stages!, new TensorShape(output.Shape!.Select(d => d.Known!.Value).ToArray()), attributeLocation);
        }

        /// <summary>One step of the encoder's flow, in execution order, with the full shapes entering and leaving it.</summary>
        /// <param name="Site">The layer; null for a flatten written as a tensor operation (<c>x.flatten(1)</c>, <c>x.view(n, -1)</c>).</param>
        /// <param name="Geometry">For a layer the arithmetic runs: its hyperparameters; null for a shape-keeping step.</param>
        /// <param name="Factory">For a shape-keeping step: the <c>torch.nn</c> factory that builds its mirror, null when it needs none.</param>
        private sealed record Stage(LayerSite? Site, string Name, TensorShape Input, TensorShape Output, LayerGeometry? Geometry, string? Factory);


        private static (List<Stage>? Stages, Problem? Error) Flow(INamedTypeSymbol encoder, NetworkRecorder recorder, TensorValue output, TensorShape input, Location attributeLocation, INamedTypeSymbol nn)
        {
            (List<Stage>?, Problem?) Error(string id, SyntaxNode? node, string message) => (null, new Problem(id, node?.GetLocation() ?? attributeLocation, message));

            if (recorder.Layers.FirstOrDefault(l => l.Outcome is { IsValid: false }) is { } failed)
            {
                // At the value responsible when a block or helper passed it in (new DownBlock(4, 16)), else at the layer.
                return Error(RuleIdentifiers.NoExactMirror, failed.Site.LocationOf(failed.Outcome!.Violations[0].Parameter),
                    $"{Display(failed)} fails on the encoder's input {failed.Input}, so it has no mirror: {failed.Outcome!.Violations[0].Message}");
            }

            if (recorder.Ops.FirstOrDefault() is { } failedOp)
            {
                // A tensor operation or an op-rule layer (GroupNorm's channel check, a cat of mismatched shapes) that fails.
                return Error(RuleIdentifiers.NoExactMirror, failedOp.Syntax,
                    $"the encoder fails on its input {failedOp.Input}, so it has no mirror: {failedOp.Message}");
            }

            if (recorder.Unknowns.FirstOrDefault() is { } unknown)
            {
                if (UnknownParameter(unknown.Site) is { } parameter)
                {
                    return Error(RuleIdentifiers.ArgumentNotConstant, ArgumentOf(unknown.Site, parameter),
                        $"{parameter} of {unknown.Site.Name} is not a compile-time constant, so the generator cannot verify a mirror for it{In(unknown.Context)}: {unknown.Reason}");
                }

                return Error(RuleIdentifiers.LayerNotMirrorable, unknown.Site.Call,
                    $"the shape after {unknown.Site.Name}{In(unknown.Context)} is unknown ({unknown.Reason}), so the generator cannot verify a mirror for it");
            }

            if (output.Shape is not { } shape || shape.Any(d => d.Known is null))
            {
                return Error(RuleIdentifiers.LayerNotMirrorable, null,
                    $"{encoder.Name}.forward could not be followed from start to end ({output.UnknownReason ?? "its output shape is unknown"}): only forwards whose every layer the interpreter follows are mirrored");
            }

            var names = new HashSet<string>(System.StringComparer.Ordinal);
            var stages = new List<Stage>();
            var current = input;
            foreach (var record in recorder.Layers)
            {
                if (!record.Certain)
                {
                    return Error(RuleIdentifiers.LayerNotMirrorable, record.Site.Call,
                        $"{Display(record)} runs only on some paths through {encoder.Name} (a branch the generator cannot decide), so no single mirror exists");
                }

                var received = Shape(record.LayerInput);
                if (!received.Equals(current))
                {
                    if (FlattenBetween(current, received) is { } flatten)
                    {
                        stages.Add(flatten with { Name = Unique(names, flatten.Name) });
                    }
                    else
                    {
                        return Error(RuleIdentifiers.LayerNotMirrorable, record.Site.Call,
                            $"{Display(record)} receives {ArithmeticText.Shape(received.Dims)}, but the layer before it gave {ArithmeticText.Shape(current.Dims)}: between them a tensor operation changes the shape or the flow branches (a shortcut, a skip connection), and the generator mirrors a chain of layers");
                    }
                }

                var produced = Shape(record.Output!);
                var name = Unique(names, NameOf(record));
                if (record.Site.Rule == ModuleRule.Geometry)
                {
                    stages.Add(new Stage(record.Site, name, received, produced, record.Site.Geometry, null));
                }
                else if (!produced.Equals(received))
                {
                    return Error(RuleIdentifiers.LayerNotMirrorable, record.Site.Call,
                        $"{record.Site.Name} maps {ArithmeticText.Shape(received.Dims)} to {ArithmeticText.Shape(produced.Dims)} and cannot be mirrored: the generator mirrors Conv, MaxPool/AvgPool/adaptive pools, Flatten, Linear, BatchNorm, activations and dropout");
                }
                else
                {
                    // Activations and dropout, module or functional (relu, leaky_relu → ReLU, LeakyReLU); .contiguous(), .to(...) need no mirror.
                    var factory = NeutralFactory(nn, record.Site.Name);
                    if (factory is { Arguments: true })
                    {
                        return Error(RuleIdentifiers.LayerNotMirrorable, record.Site.Call,
                            $"{record.Site.Name}{In(record.Context)} needs arguments the generator does not copy: it cannot be mirrored");
                    }

                    stages.Add(new Stage(record.Site, name, received, produced, null, factory?.Name));
                }

                current = produced;
            }

            var returned = Shape(shape);
            if (!returned.Equals(current))
            {
                if (FlattenBetween(current, returned) is { } flatten)
                {
                    stages.Add(flatten with { Name = Unique(names, flatten.Name) });
                }
                else
                {
                    return Error(RuleIdentifiers.LayerNotMirrorable, null,
                        $"{encoder.Name}.forward returns {ArithmeticText.Shape(returned.Dims)}, but its last layer gave {ArithmeticText.Shape(current.Dims)}: a tensor operation after it changes the shape, and the generator mirrors only layers");
                }
            }

            return (stages, null);
        }

        /// <summary>
        /// <c>x.flatten(1)</c>, <c>x.view(n, -1)</c> or <c>x.reshape(n, -1)</c> between layers (before a dense head): a
        /// row-major flatten of everything after the batch, which Unflatten inverts exactly.
        /// </summary>
        private static Stage? FlattenBetween(TensorShape from, TensorShape to) =>
            to.Rank == 2 && from.Rank > 2 && to[0] == from[0] && to[1] == from.Dims.Skip(1).Aggregate(1L, (a, b) => a * b)
                ? new Stage(null, "flatten", from, to, new LayerGeometry { Kind = LayerKind.Flatten, StartDim = 1, EndDim = -1 }, null)
                : null;

        private static TensorShape Shape(Dim[] dims) => new(dims.Select(d => d.Known ?? -1).ToArray());

        private static string In(string context) => context is "" or "?" ? string.Empty : $" (in {context})";

        private static string Display(LayerRecord record) => (record.Site.Geometry?.TorchName ?? record.Site.Name) + In(record.Context);

        /// <summary>The first parameter the interpreter does not know, in the order <see cref="MirroredParameters"/> gives, then by name.</summary>
        private static string? UnknownParameter(LayerSite site) =>
            MirroredParameters.Where(site.Arguments.ContainsKey).Concat(site.Arguments.Keys.OrderBy(k => k, System.StringComparer.Ordinal))
                .FirstOrDefault(p => !IsKnown(site.Arguments[p]));

        private static bool IsKnown(Value value) => value switch
        {
            UnknownValue => false,
            NumberValue n => n.KnownReal is not null,
            TupleValue t => t.Items.All(IsKnown),
            ItemsValue i => i.Items.All(IsKnown),
            TensorValue => false,
            _ => true,
        };

        /// <summary>Where the value of <paramref name="parameter"/> was written: the argument, or the constant passed in from a block or helper.</summary>
        private static SyntaxNode ArgumentOf(LayerSite site, string parameter) =>
            site.Arguments.TryGetValue(parameter, out var value) && value.Origin is { } origin ? origin : site.Call;

        /// <summary>The <c>torch.nn</c> factory of a shape-keeping module or function: its name, and whether it needs arguments.</summary>
        private static (string Name, bool Arguments)? NeutralFactory(INamedTypeSymbol nn, string name)
        {
            var key = name.TrimEnd('_').Replace("_", string.Empty);
            var factories = nn.GetMembers().OfType<IMethodSymbol>()
                .Where(m => m.IsStatic && m.ReturnType is INamedTypeSymbol && string.Equals(m.Name, key, System.StringComparison.OrdinalIgnoreCase) && char.IsUpper(m.Name[0]))
                .ToList();
            if (factories.Count == 0)
            {
                return null;
            }

            return (factories[0].Name, !factories.Any(m => m.Parameters.All(p => p.IsOptional)));
        }

        private sealed class Block
        {
            public Block(Stage layer) => Layer = layer;

            public Stage Layer { get; }

            public List<Stage> Followers { get; } = new();
        }

        private static ParseOutcome Build(INamedTypeSymbol decoder, ClassDeclarationSyntax syntax, INamedTypeSymbol encoder, List<Stage> stages, TensorShape encoderOutput, Location attributeLocation)
        {
            // A shape-changing layer and the BatchNorm/activation/dropout stages after it form a block.
            var blocks = new List<Block>();
            foreach (var stage in stages)
            {
                if (stage.Geometry is null or { Kind: LayerKind.BatchNorm })
                {
                    if (blocks.Count > 0)
                    {
                        blocks[blocks.Count - 1].Followers.Add(stage);
                    }

                    continue;
                }

                blocks.Add(new Block(stage));
            }

            var layers = new List<DecoderLayerSpec>();
            var trace = new List<TraceStage> { new("input", encoderOutput.Dims) };
            var current = encoderOutput;
            for (var b = blocks.Count - 1; b >= 0; b--)
            {
                var block = blocks[b];
                var stage = block.Layer;
                var location = stage.Site?.Call.GetLocation() ?? attributeLocation;
                var mirror = Mirror(stage, location);
                if (mirror.Error is { } error)
                {
                    return Fail(error.Id, error.Location, error.Message);
                }

                // Verified: the decoder layer, run by the arithmetic on what reaches it, gives the encoder stage's input.
                var outcome = ShapeAlgebra.Forward(mirror.Geometry!, current, OutputPaddingSemantics.TorchSharpForward, mirror.OutputSize.Count > 0 ? mirror.OutputSize.ToArray() : null);
                if (!outcome.IsValid || !outcome.Output!.Equals(stage.Input))
                {
                    return Fail(RuleIdentifiers.NoExactMirror, location,
                        $"the mirror of {stage.Geometry!.TorchName} gives {(outcome.IsValid ? ArithmeticText.Shape(outcome.Output!.Dims) : string.Join("; ", outcome.Violations.Select(v => v.Message)))} where the encoder stage received {ArithmeticText.Shape(stage.Input.Dims)}");
                }

                current = outcome.Output!;
                layers.Add(new DecoderLayerSpec(stage.Name, mirror.FieldType, mirror.Factory, mirror.OutputSize));
                trace.Add(new TraceStage(stage.Name, current.Dims));

                var last = b == 0;
                foreach (var follower in block.Followers)
                {
                    if (follower.Geometry is { Kind: LayerKind.BatchNorm } bn)
                    {
                        var channels = current.Rank >= 2 ? current[1] : 0;
                        layers.Add(new DecoderLayerSpec(follower.Name, Module, $"{Nn}BatchNorm{bn.SpatialRank}d({channels})", EquatableArray<long>.Empty));
                    }
                    else if (follower.Factory is { } factory && !last)
                    {
                        // No activation (or dropout) after the final layer.
                        layers.Add(new DecoderLayerSpec(follower.Name, Module, $"{Nn}{factory}()", EquatableArray<long>.Empty));
                    }
                    else
                    {
                        continue;
                    }

                    trace.Add(new TraceStage(follower.Name, current.Dims));
                }
            }

            var containing = syntax.Ancestors().OfType<TypeDeclarationSyntax>().Reverse()
                .Select(t => $"{t.Modifiers} {t.Keyword.ValueText} {t.Identifier.ValueText}".Trim()).ToEquatableArray();
            var ns = decoder.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
            var declaresBase = decoder.BaseType is { SpecialType: not SpecialType.System_Object };
            var accessibility = SyntaxFacts.GetText(decoder.DeclaredAccessibility);
            var spec = new DecoderSpec(ns, containing, accessibility, decoder.Name, declaresBase, encoder.ToDisplayString(), layers.ToEquatableArray(), trace.ToEquatableArray());
            return new ParseOutcome(spec, null);
        }

        private sealed record MirrorLayer(LayerGeometry? Geometry, string FieldType, string Factory, EquatableArray<long> OutputSize, Problem? Error);

        private static MirrorLayer Error(string id, Location location, string message) => new(null, string.Empty, string.Empty, EquatableArray<long>.Empty, new Problem(id, location, message));

        /// <summary>The inverse of one encoder layer (DESIGN.md §5), with the C# that builds it.</summary>
        private static MirrorLayer Mirror(Stage stage, Location location)
        {
            var g = stage.Geometry!;
            var input = stage.Input;
            var rank = g.SpatialRank;
            var spatialIn = input.Spatial(rank);
            switch (g.Kind)
            {
                case LayerKind.Conv:
                    if (Unknown(stage, location, "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups") is { } unknown)
                    {
                        return unknown;
                    }

                    if (g.PaddingMode != PaddingMode.Zeros)
                    {
                        return Error(RuleIdentifiers.NoExactMirror, stage.Site is { } site ? ArgumentOf(site, "padding_mode").GetLocation() : location,
                            $"{g.TorchName} pads with PaddingModes.{g.PaddingMode}; its transposed mirror can only pad with zeros");
                    }

                    var k = g.Kernel.KnownValues!;
                    var d = g.Dilation.KnownValues!;
                    var groups = g.Groups!.Value;
                    if (g.PaddingKind == PaddingKind.Same)
                    {
                        var same = new LayerGeometry { Kind = LayerKind.Conv, SpatialRank = rank, InChannels = g.OutChannels, OutChannels = g.InChannels, Groups = groups, Kernel = g.Kernel, Stride = PerDim<long>.Uniform(1, rank), Padding = PerDim<long>.Uniform(0, rank), Dilation = g.Dilation, PaddingKind = PaddingKind.Same };
                        var sameFactory = $"{Nn}Conv{rank}d({g.OutChannels}, {g.InChannels}, {Values(k, rank, out var tuple)}, global::TorchSharp.Padding.Same, dilation: {Values(d, rank, tuple)}, groups: {groups})";
                        return new MirrorLayer(same, Module, sameFactory, EquatableArray<long>.Empty, null);
                    }

                    var s = g.Stride.KnownValues!;
                    var p = g.PaddingKind == PaddingKind.Valid ? new long[rank] : g.Padding.KnownValues!;
                    var op = OutputPaddingSolver.MirrorOutputPadding(g with { PaddingKind = PaddingKind.Explicit, Padding = PerDim<long>.Known(p) }, spatialIn);
                    if (op is null)
                    {
                        return Error(RuleIdentifiers.NoExactMirror, location, $"{g.TorchName} has no output_padding that gives {ArithmeticText.Sizes(spatialIn)} back");
                    }

                    // TorchSharp 0.107's forward(x) collapses a tuple output_padding: per-dimension values go through forward(x, output_size).
                    var uniformOp = op.Distinct().Count() == 1;
                    var layerOp = uniformOp ? op : new long[rank];
                    var geometry = LayerGeometry.ConvTranspose(rank, g.OutChannels!.Value, g.InChannels!.Value, k, s, p, layerOp, d, groups);
                    var useTuple = !(new[] { k, s, p, layerOp, d }.All(v => v.Distinct().Count() == 1)) && rank > 1;
                    string V(long[] values) => useTuple ? "(" + string.Join(", ", values) + ")" : values[0].ToString(CultureInfo.InvariantCulture);
                    var factory = $"{Nn}ConvTranspose{rank}d({g.OutChannels}, {g.InChannels}, {V(k)}, stride: {V(s)}, padding: {V(p)}, output_padding: {V(layerOp)}, dilation: {V(d)}, groups: {groups})";
                    return uniformOp
                        ? new MirrorLayer(geometry, Module, factory, EquatableArray<long>.Empty, null)
                        : new MirrorLayer(geometry, $"global::TorchSharp.Modules.ConvTranspose{rank}d", factory, spatialIn.ToEquatableArray(), null);
                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                case LayerKind.AdaptiveAvgPool:
                case LayerKind.AdaptiveMaxPool:
                    // A pool has no exact inverse; the decoder upsamples to the exact size the pool received.
                    var upsample = LayerGeometry.Upsample(size: spatialIn);
                    return new MirrorLayer(upsample, Module, $"{Nn}Upsample(size: new long[] {{ {string.Join(", ", spatialIn)} }})", EquatableArray<long>.Empty, null);
                case LayerKind.Linear:
                    if (Unknown(stage, location, "in_features", "out_features") is { } unknownLinear)
                    {
                        return unknownLinear;
                    }

                    return new MirrorLayer(LayerGeometry.Linear(g.OutChannels!.Value, g.InChannels!.Value), Module, $"{Nn}Linear({g.OutChannels}, {g.InChannels})", EquatableArray<long>.Empty, null);
                case LayerKind.Flatten:
                    if (g.StartDim is not long startDim || g.EndDim is not long endDim)
                    {
                        return Error(RuleIdentifiers.ArgumentNotConstant, location, "start_dim or end_dim of Flatten is not a compile-time constant, so the generator cannot verify a mirror for it");
                    }

                    var start = (int)(startDim < 0 ? startDim + input.Rank : startDim);
                    var end = (int)(endDim < 0 ? endDim + input.Rank : endDim);
                    var sizes = input.Dims.Skip(start).Take(end - start + 1).ToArray();
                    return new MirrorLayer(LayerGeometry.Unflatten(start, sizes), Module, $"{Nn}Unflatten({start}, new long[] {{ {string.Join(", ", sizes)} }})", EquatableArray<long>.Empty, null);
                default:
                    return Error(RuleIdentifiers.LayerNotMirrorable, location, $"{g.TorchName} cannot be mirrored: the generator mirrors Conv, MaxPool/AvgPool/adaptive pools, Flatten, Linear, BatchNorm, activations and dropout");
            }
        }

        private static MirrorLayer? Unknown(Stage stage, Location location, params string[] parameters)
        {
            var g = stage.Geometry!;
            foreach (var parameter in parameters)
            {
                var known = parameter switch
                {
                    "in_channels" or "in_features" => g.InChannels is not null,
                    "out_channels" or "out_features" => g.OutChannels is not null,
                    "groups" => g.Groups is not null,
                    "kernel_size" => g.Kernel.AllKnown,
                    "stride" => g.Stride.AllKnown,
                    "padding" => g.PaddingKind != PaddingKind.Explicit || g.Padding.AllKnown,
                    "dilation" => g.Dilation.AllKnown,
                    _ => true,
                };
                if (!known)
                {
                    return Error(RuleIdentifiers.ArgumentNotConstant, stage.Site is { } site ? ArgumentOf(site, parameter).GetLocation() : location,
                        $"{parameter} of {g.TorchName} is not a compile-time constant, so the generator cannot verify a mirror for it");
                }
            }

            return null;
        }

        private static string Values(long[] values, int rank, out bool tuple)
        {
            tuple = rank > 1 && values.Distinct().Count() > 1;
            return Values(values, rank, tuple);
        }

        private static string Values(long[] values, int rank, bool tuple) =>
            tuple ? "(" + string.Join(", ", values) + ")" : values[0].ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// Deterministic submodule names from the encoder's: the layer's <c>named_modules()</c> key (<c>down.0</c>,
        /// <c>stages.1.conv</c>) as an identifier; a functional call is named after the module whose forward makes it.
        /// </summary>
        private static string NameOf(LayerRecord record)
        {
            var key = record.Context == "?" ? string.Empty : record.Context;
            var functional = record.Site.Name.Length > 0 && char.IsLower(record.Site.Name[0]);
            if (key.Length == 0 || functional)
            {
                key = key.Length == 0 ? record.Site.Name.ToLowerInvariant() : key + "_" + record.Site.Name.TrimEnd('_');
            }

            var name = new string(key.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray()).TrimStart('_');
            if (name.Length == 0 || char.IsDigit(name[0]))
            {
                name = "layer" + name;
            }

            return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? name + "_" : name;
        }

        private static string Unique(HashSet<string> names, string name)
        {
            var candidate = name;
            for (var i = 2; !names.Add(candidate); i++)
            {
                candidate = name + "_" + i;
            }

            return candidate;
        }

        private static ParseOutcome Fail(string id, Location location, string message) => new(null, new Problem(id, location, message));

        public static Diagnostic ToDiagnostic(Problem problem, bool atCompilationEnd)
        {
            var descriptor = problem.Id switch
            {
                RuleIdentifiers.EncoderNotInSource => DiagnosticDescriptors.EncoderNotInSource,
                RuleIdentifiers.EncoderInputUnknown => DiagnosticDescriptors.EncoderInputUnknown,
                RuleIdentifiers.DecoderNotPartial => DiagnosticDescriptors.DecoderNotPartial,
                RuleIdentifiers.LayerNotMirrorable => DiagnosticDescriptors.LayerNotMirrorable,
                RuleIdentifiers.ArgumentNotConstant => DiagnosticDescriptors.ArgumentNotConstant,
                _ => DiagnosticDescriptors.NoExactMirror,
            };
            return Diagnostic.Create(atCompilationEnd ? DiagnosticDescriptors.AtCompilationEnd(descriptor) : descriptor, problem.Location, problem.Message);
        }
    }

    /// <summary>Why no decoder is generated for a class, where the responsible value is written (a source location).</summary>
    internal sealed record Problem(string Id, Location Location, string Message);

    /// <summary>
    /// What <see cref="Parser.Parse"/> finds: the spec to emit, or the problem. Never a pipeline value: the generator's
    /// pipeline carries only <see cref="ParseOutcome.Spec"/> (value-equatable, no location), the analyzer reports the problem.
    /// </summary>
    internal sealed record ParseOutcome(DecoderSpec? Spec, Problem? Problem);
}
