using System.Reflection;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Model;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;
using Xunit;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// The layer analyzer's own test sources (tests/Shared), compiled and executed: every call of a factory in the layer
/// table (Binding.LayerTable) is wrapped in a probe that builds it and runs it on a fitting tensor in TorchSharp. The
/// geometry of each call is the one the interpreter builds for it (tests/Shared/InterpretedLayers.cs). A call the
/// analyzer marks with CONV001/CONV002 must fail in TorchSharp (or be wrong as written), and a call it leaves silent
/// must run and give the shape the arithmetic predicts.
/// </summary>
public sealed class AnalyzerTestSourcesRunTests
{
    private const string ProbeSource = """
        using System;
        using System.Collections.Generic;
        using static TorchSharp.torch;

        public static class ConvProbe
        {
            public static Dictionary<int, long[]> Inputs = new();
            public static Dictionary<int, string> Results = new();

            public static T Run<T>(Func<T> build, int id)
            {
                try
                {
                    var layer = build();
                    if (Inputs.TryGetValue(id, out var shape) && layer is nn.Module<Tensor, Tensor> module)
                    {
                        using var x = zeros(shape);
                        using var y = module.call(x);
                        Results[id] = "shape " + string.Join(",", y.shape);
                    }
                    else
                    {
                        Results[id] = "built";
                    }

                    return layer;
                }
                catch (Exception e)
                {
                    Results[id] = "error " + e.Message.Split('\n')[0];
                    return default!;
                }
            }
        }
        """;

    /// <summary>
    /// Calls the interpreter reads as invalid (TorchSharp agrees) but the layer analyzer, still on its own constant
    /// reader, leaves silent: a missed CONV002, not a false one. The list can only shrink: an entry that is no longer
    /// missed fails the test.
    /// </summary>
    private static readonly HashSet<(string Case, string Call)> UnreadByTheLayerAnalyzer = new()
    {
    };

    public static TheoryData<string> Cases() => new(LayerAnalyzerSources.All.Keys.Except(LayerAnalyzerSources.Incomplete));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Layers_run_as_the_analyzer_says(string name)
    {
        LibTorch.EnsureLoaded();
        var source = Regex.Replace(LayerAnalyzerSources.All[name], @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty);
        var compilation = InMemoryCompiler.Compile(name, [("Case.cs", source)]);
        var diagnostics = (await InMemoryCompiler.AnalyzeAsync(compilation, new LayerAnalyzer()))
            .Where(d => d.Id is "CONV001" or "CONV002").ToList();

        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var built = InterpretedLayers.In(compilation, tree);
        var nn = compilation.GetTypeByMetadataName("TorchSharp.torch+nn");
        var calls = new Dictionary<InvocationExpressionSyntax, (int Id, LayerGeometry Geometry)>();
        var unread = new List<string>();
        var contexts = new Dictionary<InvocationExpressionSyntax, List<LayerGeometry>>();
        foreach (var invocation in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol { IsStatic: true } method
                || !SymbolEqualityComparer.Default.Equals(method.ContainingType, nn) || !LayerTable.Factories.ContainsKey(method.Name))
            {
                continue;
            }

            var geometries = built.TryGetValue(invocation, out var sites) ? sites.Select(s => s.Geometry).OfType<LayerGeometry>().Distinct().ToList() : [];
            if (geometries.Count == 0)
            {
                unread.Add($"{invocation}: the interpreter builds no geometry for it{(sites is { Count: > 0 } ? ": " + string.Join("; ", sites.Select(s => s.UnknownReason)) : string.Empty)}");
                continue;
            }

            if (geometries.Count > 1)
            {
                // Built with different arguments on different paths (a loop over strides): what a single-call analyzer
                // may say holds for every one of them; TorchSharp runs the call once per path.
                contexts[invocation] = geometries;
            }

            calls[invocation] = (calls.Count, geometries[0]);
        }

        Assert.True(unread.Count == 0, string.Join("\n", unread));
        Assert.NotEmpty(calls);
        var rewritten = new ProbeRewriter(calls).Visit(tree.GetRoot());
        var runnable = InMemoryCompiler.Compile(name + "Run", [("Case.cs", rewritten.ToFullString()), ("Probe.cs", ProbeSource)]);
        var assembly = InMemoryCompiler.Load(runnable);
        var probe = assembly.GetType("ConvProbe")!;
        var inputs = (Dictionary<int, long[]>)probe.GetField("Inputs")!.GetValue(null)!;
        foreach (var (invocation, (id, geometry)) in calls)
        {
            if (!contexts.ContainsKey(invocation) && FittingInput(geometry) is { } input)
            {
                inputs[id] = input;
            }
        }

        using (torch.NewDisposeScope())
        {
            Execute(assembly);
        }

        var results = (Dictionary<int, string>)probe.GetField("Results")!.GetValue(null)!;
        var failures = new List<string>();
        var missed = new HashSet<(string, string)>();
        foreach (var (invocation, (id, geometry)) in calls)
        {
            var text = invocation.ToString();
            var reported = diagnostics.Any(d => invocation.Span.Contains(d.Location.SourceSpan));
            if (!results.TryGetValue(id, out var result))
            {
                failures.Add($"{text}: never executed");
                continue;
            }

            if (contexts.TryGetValue(invocation, out var several))
            {
                // Built several ways (loop iterations, branches): a report needs at least one invalid way. Which of them
                // runs for certain (every iteration of an unrolled loop does; a branch may not) is the interpreter's
                // guard logic, checked by the analyzer tests' markup.
                if (reported && several.All(g => ShapeAlgebra.Validate(g).Count == 0 && ShapeAlgebra.Validate(g, OutputPaddingSemantics.PerDimension).Count == 0))
                {
                    failures.Add($"{text}: reported although every way it is built has valid arguments");
                }

                continue;
            }

            if (!inputs.TryGetValue(id, out var shape))
            {
                continue;
            }

            var predicted = ShapeAlgebra.Forward(geometry, new TensorShape(shape));
            var wrongAsWritten = ShapeAlgebra.Validate(geometry, OutputPaddingSemantics.PerDimension).Count > 0;
            if (!predicted.IsKnown)
            {
                if (reported)
                {
                    failures.Add($"{text}: reported although its geometry is not fully known");
                }

                continue;
            }

            if (predicted.IsValid)
            {
                var expected = "shape " + string.Join(",", predicted.Output!.Dims);
                if (result != expected || (reported && !wrongAsWritten))
                {
                    failures.Add($"{text}: predicted {expected}, reported {reported}; TorchSharp {result}");
                }
            }
            else
            {
                var matches = result.StartsWith("error ", StringComparison.Ordinal)
                    && predicted.Violations.Any(v => RuleInfo.Of(v.Rule).MessageFamily.Any(p => Regex.IsMatch(result, p)));
                var hyper = ShapeAlgebra.Validate(geometry).Count > 0 || wrongAsWritten;
                if (!matches || reported != hyper)
                {
                    if (matches && hyper && !reported && UnreadByTheLayerAnalyzer.Contains((name, text)))
                    {
                        missed.Add((name, text));
                        continue;
                    }

                    failures.Add($"{text}: predicted {string.Join("; ", predicted.Violations.Select(v => v.Rule))}, reported {reported}; TorchSharp {result}");
                }
            }
        }

        foreach (var stale in UnreadByTheLayerAnalyzer.Where(u => u.Case == name && !missed.Contains(u)))
        {
            failures.Add($"{stale.Call}: listed as missed by the layer analyzer, but it no longer is: remove it from the list");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A tensor the layer accepts when its arguments are right: batch 1 or 2, its channels, 16 per spatial dimension.</summary>
    private static long[]? FittingInput(LayerGeometry g)
    {
        var spatial = Enumerable.Repeat(16L, Math.Max(g.SpatialRank, 0));
        return g.Kind switch
        {
            LayerKind.Conv or LayerKind.ConvTranspose => g.InChannels is long c && c > 0 ? [1, c, .. spatial] : null,
            LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.AdaptiveAvgPool or LayerKind.AdaptiveMaxPool or LayerKind.Upsample
                => g.SpatialRank > 0 ? [1, 2, .. spatial] : null,
            LayerKind.BatchNorm => g.InChannels is long f && f > 0 ? [2, f, .. Enumerable.Repeat(4L, g.SpatialRank == 1 ? 0 : g.SpatialRank)] : null,
            LayerKind.Linear => g.InChannels is long i && i > 0 ? [2, i] : null,
            LayerKind.Flatten => [2, 3, 4, 5],
            LayerKind.Unflatten => g.StartDim is long d && d is >= 0 and < 4 && g.OutputSize.KnownValues is { } sizes && sizes.All(s => s > 0)
                ? [.. Enumerable.Repeat(2L, (int)d), sizes.Aggregate(1L, (a, b) => a * b), 3]
                : null,
            _ => null,
        };
    }

    /// <summary>Runs every class's static initializers, creates it with a parameterless constructor (field initializers run) and calls its methods.</summary>
    private static void Execute(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && t.Name != "ConvProbe" && !t.IsNested))
        {
            object? instance = null;
            try
            {
                // Static field and property initializers first (a type initializer may not run before a static is read).
                System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }
            catch (TypeInitializationException)
            {
                // As below: the probe recorded the failing layer.
            }

            try
            {
                instance = type.GetConstructor(Type.EmptyTypes) is { } ctor ? ctor.Invoke(null) : null;
            }
            catch (TargetInvocationException)
            {
                // A failed layer leaves a null behind (e.g. passed on to Sequential); the probe recorded the failure.
            }

            foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (method.IsSpecialName || method.ContainsGenericParameters || (!method.IsStatic && instance is null) || method.Name == "forward")
                {
                    continue;
                }

                var arguments = method.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
                try
                {
                    method.Invoke(method.IsStatic ? null : instance, arguments);
                }
                catch (TargetInvocationException)
                {
                    // As above: the probe already recorded what the layer did.
                }
            }
        }
    }

    private sealed class ProbeRewriter : CSharpSyntaxRewriter
    {
        private readonly Dictionary<InvocationExpressionSyntax, (int Id, LayerGeometry Geometry)> _calls;

        public ProbeRewriter(Dictionary<InvocationExpressionSyntax, (int Id, LayerGeometry Geometry)> calls) => _calls = calls;

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = (ExpressionSyntax)base.VisitInvocationExpression(node)!;
            if (!_calls.TryGetValue(node, out var entry))
            {
                return visited;
            }

            return SyntaxFactory.ParseExpression($"global::ConvProbe.Run(() => {visited.ToFullString().Trim()}, {entry.Id})").WithTriviaFrom(node);
        }
    }
}
