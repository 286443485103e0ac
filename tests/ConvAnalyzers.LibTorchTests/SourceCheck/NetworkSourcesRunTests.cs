using System.Reflection;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;
using Xunit;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// The network analyzer's test sources (tests/Shared) compiled and run in TorchSharp on their [InputShape]
/// inputs, every layer factory call wrapped in a recording module (<see cref="LayerProbe"/>): the shapes TorchSharp
/// produces at each layer are exactly the CONV000 traces (Properties["shapes"]; an unknown dim matches any size), a network the analyzer calls clean runs and returns its [OutputShape], and a network with
/// a reported error fails for the inputs it names.
/// </summary>
public sealed class NetworkSourcesRunTests
{
    public static TheoryData<string> Cases() => new(NetworkAnalyzerSources.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Network_runs_as_the_analyzer_says(string name)
    {
        LibTorch.EnsureLoaded();
        var source = Regex.Replace(NetworkAnalyzerSources.All[name], @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty);
        var compilation = InMemoryCompiler.Compile(name, [("Case.cs", source), (AttributesGenerator.HintName, AttributesGenerator.Source)]);
        var diagnostics = await InMemoryCompiler.AnalyzeAsync(compilation.WithOptions(PrecisionSites.RaiseTraces(compilation.Options)), new NetworkAnalyzer());

        var tree = compilation.SyntaxTrees.First();
        var ids = LayerProbe.Sites(compilation, tree);
        var runnable = InMemoryCompiler.Compile(name + "Run", [("Case.cs", LayerProbe.Rewrite(tree, ids)), (AttributesGenerator.HintName, AttributesGenerator.Source), (LayerProbe.FileName, LayerProbe.Source)]);
        var assembly = InMemoryCompiler.Load(runnable);
        var records = LayerProbe.Records(assembly);
        var moduleBase = typeof(torch.nn.Module<torch.Tensor, torch.Tensor>);
        var types = assembly.GetTypes().Where(t => t.Name != "LayerProbe" && !t.IsAbstract && moduleBase.IsAssignableFrom(t)).ToList();

        // What TorchSharp does, per module with inputs and per input ([MirrorOf] decoders run on their encoder's output).
        var outcomes = new List<(Type Module, string Label, string? Error, long[]? Output, long[]? Declared)>();
        var instances = types.ToDictionary(t => t, t => (torch.nn.Module<torch.Tensor, torch.Tensor>)Activator.CreateInstance(t)!);
        foreach (var type in types)
        {
            var encoder = type.GetCustomAttributesData().Where(a => a.AttributeType.Name == "MirrorOfAttribute").Select(a => (Type)a.ConstructorArguments[0].Value!).SingleOrDefault();
            var declaredOutput = Attribute(type, "OutputShapeAttribute").SingleOrDefault();
            foreach (var input in Attribute(encoder ?? type, "InputShapeAttribute"))
            {
                using var scope = torch.NewDisposeScope();
                try
                {
                    var x = torch.zeros(input);
                    if (encoder is not null)
                    {
                        x = instances[encoder].call(x);
                    }

                    outcomes.Add((type, Label(input), null, instances[type].call(x).shape, declaredOutput));
                }
                catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException or InvalidOperationException)
                {
                    outcomes.Add((type, Label(input), e.Message.Split('\n')[0], null, declaredOutput));
                }
            }
        }

        if (outcomes.Count == 0)
        {
            // No input shape anywhere: the analyzer's sweep claims a decoder gives the size back for no input size
            // (CONV005) or for some; check the claim on real sizes.
            var reported = diagnostics.Any(d => d.Id == "CONV005");
            var module = instances.Values.Single();
            var channels = (long)(name.StartsWith("Without_input", StringComparison.Ordinal) ? 256 : 1);
            var reproduced = new List<long>();
            for (long size = 3; size <= 12; size++)
            {
                using var scope = torch.NewDisposeScope();
                var y = module.call(torch.zeros(new long[] { 1, channels, size, size, size }));
                if (y.shape.Skip(2).All(d => d == size))
                {
                    reproduced.Add(size);
                }
            }

            Assert.True(reported == (reproduced.Count == 0), $"CONV005 {(reported ? "reported" : "not reported")}; sizes given back: {string.Join(",", reproduced)}");
        }

        foreach (var instance in instances.Values)
        {
            instance.Dispose();
        }

        var failures = new List<string>();
        var traced = 0;

        // Every layer: the shapes it saw in TorchSharp are exactly its CONV000 trace.
        foreach (var (invocation, id) in ids)
        {
            var actual = LayerProbe.Recorded(records, id);
            foreach (var (predicted, trace) in LayerProbe.Predicted(diagnostics, tree, invocation))
            {
                traced++;
                if (predicted is null)
                {
                    failures.Add($"{invocation}: CONV000 without Properties[\"shapes\"]: {trace.GetMessage()}");
                }
                else if (!predicted.All(p => actual.Any(a => Fits(p, a))) || !actual.All(a => predicted.Any(p => Fits(p, a))))
                {
                    failures.Add($"{invocation}: CONV000 says {string.Join(" ", predicted)}, TorchSharp ran {string.Join(" ", actual)}");
                }
            }
        }

        // Errors: the inputs a module's diagnostics name fail in TorchSharp; clean ones run and match [OutputShape].
        var classes = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().ToDictionary(c => c.Identifier.ValueText, c => c.Span);
        var roots = outcomes.Select(o => o.Module.Name).ToHashSet();
        foreach (var (module, label, error, output, declaredOutput) in outcomes)
        {
            // A module's findings sit in its class, or in the classes it uses (base classes, nested modules).
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error
                && classes.Any(c => c.Value.Contains(d.Location.SourceSpan) && (c.Key == module.Name || !roots.Contains(c.Key)))).ToList();
            var named = errors.Where(d => d.GetMessage().Contains("for input " + label, StringComparison.Ordinal) || d.GetMessage().Contains(" and " + label, StringComparison.Ordinal)).ToList();
            var outputMismatch = named.Any(d => d.Id == "CONV009");
            var runFails = named.Any(d => d.Id != "CONV009");
            if (runFails != (error is not null))
            {
                failures.Add($"{module.Name} on {label}: analyzer {(runFails ? "reports " + string.Join(",", named.Select(d => d.Id)) : "is silent")}, TorchSharp {(error ?? "runs")}");
            }

            if (output is not null && declaredOutput is not null)
            {
                var matches = output.Length == declaredOutput.Length && output.Zip(declaredOutput).All(p => p.Second == -1 || p.First == p.Second);
                if (matches == outputMismatch)
                {
                    failures.Add($"{module.Name} on {label}: TorchSharp returns [{string.Join(",", output)}], [OutputShape] [{string.Join(",", declaredOutput)}], CONV009 {(outputMismatch ? "reported" : "not reported")}");
                }
            }
        }

        Assert.True(outcomes.Count > 0 || name.StartsWith("Without_input", StringComparison.Ordinal));
        Assert.True(traced > 0 || diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || name.StartsWith("Unknown_", StringComparison.Ordinal) || name.StartsWith("Without_input", StringComparison.Ordinal), "no layer was traced");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A traced <c>in→out</c> pair fits an executed one when every dim it knows is the size TorchSharp had.</summary>
    private static bool Fits(string predicted, string actual)
    {
        var p = predicted.Split('→').Select(s => s.Split(',')).ToArray();
        var a = actual.Split('→').Select(s => s.Split(',')).ToArray();
        return p.Length == 2 && a.Length == 2 && p.Zip(a).All(pair => pair.First.Length == pair.Second.Length
            && pair.First.Zip(pair.Second).All(d => !long.TryParse(d.First, out _) || d.First == d.Second));
    }

    private static string Label(long[] shape) => "[" + string.Join(",", shape) + "]";

    private static IEnumerable<long[]> Attribute(Type type, string name) =>
        type.GetCustomAttributesData().Where(a => a.AttributeType.Name == name)
            .Select(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (long)v.Value!).ToArray());
}
