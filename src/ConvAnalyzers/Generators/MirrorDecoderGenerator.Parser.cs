using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Extraction;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Generators;

public sealed partial class MirrorDecoderGenerator
{
    /// <summary>Symbols and syntax in, an equatable <see cref="DecoderResult"/> out.</summary>
    internal static class Parser
    {
        private const string Nn = "global::TorchSharp.torch.nn.";
        private const string Module = "global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>";

        public static DecoderResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var decoder = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (ClassDeclarationSyntax)context.TargetNode;
            var attribute = context.Attributes[0];
            var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? syntax.Identifier.GetLocation();
            var compilation = context.SemanticModel.Compilation;

            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || decoder.IsGenericType || syntax.Ancestors().OfType<TypeDeclarationSyntax>().Any(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                return Fail(RuleIdentifiers.DecoderNotPartial, syntax.Identifier.GetLocation(),
                    $"[MirrorDecoder] class {decoder.Name} must be partial, not generic, and nested only in partial types, so that its decoder can be generated into it");
            }

            if (attribute.ConstructorArguments.FirstOrDefault().Value is not INamedTypeSymbol encoder || !encoder.Locations.Any(l => l.IsInSource)
                || TorchSharpSymbols.Create(compilation) is not { } symbols)
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

            var modules = new SourceModules(compilation, cancellationToken);
            ModuleModel? Resolve(INamedTypeSymbol t) => modules.Resolve(t);
            if (Resolve(encoder) is not { Forward: not null } encoderModel)
            {
                return Fail(RuleIdentifiers.LayerNotMirrorable, attributeLocation, $"{encoder.Name} has no forward(Tensor) the generator can read");
            }

            var report = new PropagationReport();
            var runner = new ModuleRunner(symbols, Resolve, cancellationToken);
            var propagator = new ShapePropagator(report, ArithmeticText.Shape(inputs[0].Dims), runner);
            var output = runner.Run(encoderModel, TensorValue.Input(inputs[0]), propagator);
            var failure = report.Layers.SelectMany(l => l.Value).FirstOrDefault(r => !r.Run.Outcome.IsValid);
            if (failure.Run is { } failed)
            {
                return Fail(RuleIdentifiers.NoExactMirror, failed.Call.Invocation.Syntax.GetLocation(),
                    $"{failed.Call.Geometry.TorchName} fails on the encoder's input {failure.Input}, so it has no mirror: {failed.Outcome.Violations[0].Message}");
            }

            if (output is null && report.Unknown.FirstOrDefault() is { } unknownLayer)
            {
                var parameter = new[] { "in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "dilation", "groups", "in_features", "out_features" }
                    .FirstOrDefault(p => unknownLayer.ArgumentFor(p) is { } a && Extraction.ConstantEvaluator.Evaluate(a.Value, cancellationToken) is null) ?? "an argument";
                return Fail(RuleIdentifiers.ArgumentNotConstant, unknownLayer.LocationOf(parameter),
                    $"{parameter} of {unknownLayer.Geometry.TorchName} is not a compile-time constant, so the generator cannot verify a mirror for it");
            }

            if (output is null)
            {
                return Fail(RuleIdentifiers.LayerNotMirrorable, attributeLocation,
                    $"{encoder.Name}.forward could not be followed from start to end (a branch, a loop, a custom function or an unknown module): only straight-line forwards of TorchSharp layers are mirrored");
            }

            return Build(decoder, syntax, encoder, symbols, propagator.Stages, output.Shape, cancellationToken);
        }

        private sealed class Block
        {
            public Block(LayerStep layer, TensorShape input, TensorShape output)
            {
                Layer = layer;
                Input = input;
                Output = output;
            }

            public LayerStep Layer { get; }

            public TensorShape Input { get; }

            public TensorShape Output { get; }

            public List<FlowStep> Followers { get; } = new();
        }

        private static DecoderResult Build(INamedTypeSymbol decoder, ClassDeclarationSyntax syntax, INamedTypeSymbol encoder, TorchSharpSymbols symbols, List<(FlowStep Step, TensorShape Input, TensorShape Output)> stages, TensorShape encoderOutput, CancellationToken cancellationToken)
        {
            // A shape-changing layer and the BatchNorm/activation/dropout stages after it form a block.
            var blocks = new List<Block>();
            foreach (var (step, input, output) in stages)
            {
                if (step is LayerStep { Call.Geometry.Kind: LayerKind.BatchNorm } || step is NeutralStep)
                {
                    if (blocks.Count > 0)
                    {
                        blocks[blocks.Count - 1].Followers.Add(step);
                    }

                    continue;
                }

                blocks.Add(new Block((LayerStep)step, input, output));
            }

            var layers = new List<DecoderLayerSpec>();
            var trace = new List<TraceStage> { new("input", encoderOutput.Dims) };
            var names = new HashSet<string>();
            var current = encoderOutput;
            for (var b = blocks.Count - 1; b >= 0; b--)
            {
                var block = blocks[b];
                var call = block.Layer.Call;
                var mirror = Mirror(call, block.Input, block.Output);
                if (mirror.Error is { } error)
                {
                    return Fail(error.Id, error.Location, error.Message);
                }

                // Verified: the decoder layer, run by the arithmetic on what reaches it, gives the encoder stage's input.
                var outcome = ShapeAlgebra.Forward(mirror.Geometry!, current, OutputPaddingSemantics.TorchSharpForward, mirror.OutputSize.Count > 0 ? mirror.OutputSize.ToArray() : null);
                if (!outcome.IsValid || !outcome.Output!.Equals(block.Input))
                {
                    return Fail(RuleIdentifiers.NoExactMirror, call.Invocation.Syntax.GetLocation(),
                        $"the mirror of {call.Geometry.TorchName} gives {(outcome.IsValid ? ArithmeticText.Shape(outcome.Output!.Dims) : string.Join("; ", outcome.Violations.Select(v => v.Message)))} where the encoder stage received {ArithmeticText.Shape(block.Input.Dims)}");
                }

                current = outcome.Output!;
                var name = Unique(names, NameOf(call.Invocation.Syntax));
                layers.Add(new DecoderLayerSpec(name, mirror.FieldType, mirror.Factory, mirror.OutputSize));
                trace.Add(new TraceStage(name, current.Dims));

                var last = b == 0;
                foreach (var follower in block.Followers)
                {
                    var followerName = Unique(names, follower is LayerStep l ? NameOf(l.Call.Invocation.Syntax) : name + "_" + ((NeutralStep)follower).Factory.ToLowerInvariant());
                    if (follower is LayerStep { Call.Geometry: { Kind: LayerKind.BatchNorm } bn })
                    {
                        var channels = current.Rank >= 2 ? current[1] : 0;
                        layers.Add(new DecoderLayerSpec(followerName, Module, $"{Nn}BatchNorm{bn.SpatialRank}d({channels})", EquatableArray<long>.Empty));
                    }
                    else if (follower is NeutralStep neutral && !last)
                    {
                        // No activation (or dropout) after the final layer.
                        if (!symbols.Nn.GetMembers(neutral.Factory).OfType<IMethodSymbol>().Any(m => m.Parameters.All(p => p.IsOptional)))
                        {
                            return Fail(RuleIdentifiers.LayerNotMirrorable, call.Invocation.Syntax.GetLocation(),
                                $"{neutral.Factory} after {call.Geometry.TorchName} needs arguments the generator does not copy: it cannot be mirrored");
                        }

                        layers.Add(new DecoderLayerSpec(followerName, Module, $"{Nn}{neutral.Factory}()", EquatableArray<long>.Empty));
                    }
                    else
                    {
                        continue;
                    }

                    trace.Add(new TraceStage(followerName, current.Dims));
                }
            }

            var containing = syntax.Ancestors().OfType<TypeDeclarationSyntax>().Reverse()
                .Select(t => $"{t.Modifiers} {t.Keyword.ValueText} {t.Identifier.ValueText}".Trim()).ToEquatableArray();
            var ns = decoder.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
            var declaresBase = decoder.BaseType is { SpecialType: not SpecialType.System_Object };
            var accessibility = SyntaxFacts.GetText(decoder.DeclaredAccessibility);
            var spec = new DecoderSpec(ns, containing, accessibility, decoder.Name, declaresBase, encoder.ToDisplayString(), layers.ToEquatableArray(), trace.ToEquatableArray());
            return new DecoderResult(spec, EquatableArray<DiagnosticInfo>.Empty);
        }

        private sealed record MirrorLayer(LayerGeometry? Geometry, string FieldType, string Factory, EquatableArray<long> OutputSize, (string Id, Location Location, string Message)? Error);

        private static MirrorLayer Error(string id, Location location, string message) => new(null, string.Empty, string.Empty, EquatableArray<long>.Empty, (id, location, message));

        /// <summary>The inverse of one encoder layer (DESIGN.md §5), with the C# that builds it.</summary>
        private static MirrorLayer Mirror(LayerCall call, TensorShape input, TensorShape output)
        {
            var g = call.Geometry;
            var rank = g.SpatialRank;
            var location = call.Invocation.Syntax.GetLocation();
            var spatialIn = input.Spatial(rank);
            switch (g.Kind)
            {
                case LayerKind.Conv:
                    if (Unknown(call, "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups") is { } unknown)
                    {
                        return unknown;
                    }

                    if (g.PaddingMode != PaddingMode.Zeros)
                    {
                        return Error(RuleIdentifiers.NoExactMirror, location, $"{g.TorchName} pads with PaddingModes.{g.PaddingMode}; its transposed mirror can only pad with zeros");
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
                    if (Unknown(call, "in_features", "out_features") is { } unknownLinear)
                    {
                        return unknownLinear;
                    }

                    return new MirrorLayer(LayerGeometry.Linear(g.OutChannels!.Value, g.InChannels!.Value), Module, $"{Nn}Linear({g.OutChannels}, {g.InChannels})", EquatableArray<long>.Empty, null);
                case LayerKind.Flatten:
                    var start = (int)(g.StartDim!.Value < 0 ? g.StartDim.Value + input.Rank : g.StartDim.Value);
                    var end = (int)(g.EndDim!.Value < 0 ? g.EndDim.Value + input.Rank : g.EndDim.Value);
                    var sizes = input.Dims.Skip(start).Take(end - start + 1).ToArray();
                    return new MirrorLayer(LayerGeometry.Unflatten(start, sizes), Module, $"{Nn}Unflatten({start}, new long[] {{ {string.Join(", ", sizes)} }})", EquatableArray<long>.Empty, null);
                default:
                    return Error(RuleIdentifiers.LayerNotMirrorable, location, $"{g.TorchName} cannot be mirrored: the generator mirrors Conv, MaxPool/AvgPool/adaptive pools, Flatten, Linear, BatchNorm, activations and dropout");
            }
        }

        private static MirrorLayer? Unknown(LayerCall call, params string[] parameters)
        {
            var g = call.Geometry;
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
                    return Error(RuleIdentifiers.ArgumentNotConstant, call.LocationOf(parameter),
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

        /// <summary>Deterministic submodule names from the encoder's: the member, and the position inside a Sequential.</summary>
        private static string NameOf(SyntaxNode invocation)
        {
            var member = invocation.Ancestors().Select(a => a switch
            {
                VariableDeclaratorSyntax v => v.Identifier.ValueText,
                PropertyDeclarationSyntax p => p.Identifier.ValueText,
                AssignmentExpressionSyntax { Left: var left } => left is MemberAccessExpressionSyntax m ? m.Name.Identifier.ValueText : left.ToString(),
                _ => null,
            }).FirstOrDefault(n => n is not null) ?? "layer";
            var argument = invocation.Ancestors().OfType<ArgumentSyntax>().FirstOrDefault();
            if (argument?.Parent is ArgumentListSyntax list)
            {
                return $"{member}_{list.Arguments.IndexOf(argument)}";
            }

            return member.TrimStart('_');
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

        private static DecoderResult Fail(string id, Location location, string message) =>
            new(null, EquatableArray.Create(Info(id, location, message)));

        private static DiagnosticInfo Info(string id, Location location, string message)
        {
            var span = location.GetLineSpan();
            return new DiagnosticInfo(id, message, span.Path, location.SourceSpan.Start, location.SourceSpan.Length,
                span.StartLinePosition.Line, span.StartLinePosition.Character, span.EndLinePosition.Line, span.EndLinePosition.Character);
        }

        public static Diagnostic ToDiagnostic(DiagnosticInfo info)
        {
            var descriptor = info.Id switch
            {
                RuleIdentifiers.EncoderNotInSource => DiagnosticDescriptors.EncoderNotInSource,
                RuleIdentifiers.EncoderInputUnknown => DiagnosticDescriptors.EncoderInputUnknown,
                RuleIdentifiers.DecoderNotPartial => DiagnosticDescriptors.DecoderNotPartial,
                RuleIdentifiers.LayerNotMirrorable => DiagnosticDescriptors.LayerNotMirrorable,
                RuleIdentifiers.ArgumentNotConstant => DiagnosticDescriptors.ArgumentNotConstant,
                _ => DiagnosticDescriptors.NoExactMirror,
            };
            var location = Location.Create(info.FilePath, new TextSpan(info.Start, info.Length),
                new LinePositionSpan(new LinePosition(info.StartLine, info.StartColumn), new LinePosition(info.EndLine, info.EndColumn)));
            return Diagnostic.Create(descriptor, location, info.Message);
        }
    }
}
