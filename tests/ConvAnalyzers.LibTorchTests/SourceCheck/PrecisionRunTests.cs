using System.Reflection;
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
/// The precision sources (tests/Shared/PrecisionSources.cs) compiled and run in TorchSharp, every layer factory call
/// wrapped in a recording module. The regressions are valid programs and every CONV000 trace the analyzer gives them
/// is exactly what TorchSharp computes at that layer; the unknown cases are valid programs on every branch a caller
/// can take (both values of a flag, before and after a public method, each implementation), and any trace the
/// analyzer still gives them is exactly what TorchSharp computed there over all those branches.
/// </summary>
public sealed class PrecisionRunTests
{
    /// <summary>The vendor library, compiled once: referenced by the cases as metadata and resolved when they run.</summary>
    private static readonly Lazy<(byte[] Image, Assembly Assembly)> Vendor = new(() =>
    {
        var library = InMemoryCompiler.Compile(PrecisionSources.VendorAssembly, [("Vendor.cs", PrecisionSources.VendorLibrary)]);
        using var image = new MemoryStream();
        var emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = Assembly.Load(image.ToArray());
        AppDomain.CurrentDomain.AssemblyResolve += (_, e) => new AssemblyName(e.Name).Name == PrecisionSources.VendorAssembly ? assembly : null;
        return (image.ToArray(), assembly);
    });

    public static TheoryData<string> TracedCases() => new(PrecisionSources.Traced.Keys);

    public static TheoryData<string> UnknownCases() => new(PrecisionSources.Unknowns.Keys);

    [Theory]
    [MemberData(nameof(TracedCases))]
    public async Task Regression_runs_and_every_trace_equals_TorchSharp(string name)
    {
        var run = await ExecuteAsync(name, PrecisionSources.Traced[name].Source, driver: null);
        var notCalled = PrecisionSites.Marked(run.Tree, PrecisionSources.NotCalled);
        var failures = run.Failures.ToList();
        foreach (var (site, id) in run.Sites)
        {
            var actual = run.Recorded(id);
            if (notCalled.Contains(site.Span))
            {
                if (actual.Count > 0)
                {
                    failures.Add($"{site}: marked {PrecisionSources.NotCalled}, but TorchSharp ran {string.Join(" ", actual)}");
                }

                continue;
            }

            if (actual.Count == 0)
            {
                failures.Add($"{site}: never ran in TorchSharp (mark it {PrecisionSources.NotCalled})");
            }

            foreach (var (predicted, trace) in run.Predicted(site))
            {
                if (predicted is null)
                {
                    failures.Add($"{site}: CONV000 without Properties[\"shapes\"]: {trace.GetMessage()}");
                }
                else if (!predicted.SetEquals(actual))
                {
                    failures.Add($"{site}: CONV000 says {string.Join(" ", predicted)}, TorchSharp ran {string.Join(" ", actual)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(UnknownCases))]
    public Task Unknown_case_runs_on_every_branch(string name) => ConvAnalyzers.TestSources.KnownGaps.CheckTorchSharp(name, () => Unknown_case_runs_on_every_branchChecked(name));

    private async Task Unknown_case_runs_on_every_branchChecked(string name)
    {
        var @case = PrecisionSources.Unknowns[name];
        var run = await ExecuteAsync(name, @case.Source, @case.Driver);
        var failures = run.Failures.ToList();
        Assert.True(run.Runs >= 1, "the driver built no module");
        foreach (var (site, id) in run.Sites)
        {
            // A trace the analyzer still gives holds on every branch: each branch that reached the layer saw one of the
            // traced shapes (a trace from one branch's value alone is a guess), and each traced shape was seen.
            var actual = run.Recorded(id);
            foreach (var (predicted, trace) in run.Predicted(site))
            {
                if (predicted is null || !predicted.SetEquals(actual))
                {
                    failures.Add($"{site}: CONV000 says {(predicted is null ? trace.GetMessage() + " (no Properties[\"shapes\"])" : string.Join(" ", predicted))}, TorchSharp ran {string.Join(" ", actual)} over {run.Runs} runs");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private sealed record Execution(
        SyntaxTree Tree,
        IReadOnlyList<Diagnostic> Diagnostics,
        IReadOnlyList<(InvocationExpressionSyntax Site, int Id)> Sites,
        IReadOnlyList<(int Id, long[] Input, long[] Output)> Records,
        IReadOnlyList<string> Failures,
        int Runs)
    {
        public HashSet<string> Recorded(int id) => LayerProbe.Recorded(Records, id);

        public IEnumerable<(HashSet<string>? Shapes, Diagnostic Trace)> Predicted(InvocationExpressionSyntax site) => LayerProbe.Predicted(Diagnostics, Tree, site);
    }

    /// <summary>Analyzes the source as the analyzer tests do, then runs it in TorchSharp with every layer recorded.</summary>
    private static async Task<Execution> ExecuteAsync(string name, string source, string? driver)
    {
        LibTorch.EnsureLoaded();
        var vendor = MetadataReference.CreateFromImage(Vendor.Value.Image);
        var compilation = InMemoryCompiler.Compile(name, [("Case.cs", source), (AttributesGenerator.HintName, AttributesGenerator.Source)]);
        compilation = compilation.AddReferences(vendor).WithOptions(PrecisionSites.RaiseTraces(compilation.Options));
        var diagnostics = await InMemoryCompiler.AnalyzeAsync(compilation, new LayerAnalyzer(), new NetworkAnalyzer()).WaitAsync(TimeSpan.FromSeconds(120));

        var tree = compilation.SyntaxTrees.First();
        var ids = LayerProbe.Sites(compilation, tree);
        var files = new List<(string, string)> { ("Case.cs", LayerProbe.Rewrite(tree, ids)), (AttributesGenerator.HintName, AttributesGenerator.Source), (LayerProbe.FileName, LayerProbe.Source) };
        if (driver is not null)
        {
            files.Add(("Driver.cs", PrecisionSources.Usings + $$"""
                public static class PrecisionDriver
                {
                    public static IEnumerable<(string Label, nn.Module<Tensor, Tensor> Module)> Runs()
                    {
                {{driver}}
                    }
                }
                """));
        }

        var assembly = InMemoryCompiler.Load(InMemoryCompiler.Compile(name + "Run", files).AddReferences(vendor));
        var records = LayerProbe.Records(assembly);
        var failures = new List<string>();
        var runs = 0;
        foreach (var (label, module) in Modules(assembly, driver is not null))
        {
            runs++;
            var inputs = module.GetType().GetCustomAttributesData().Where(a => a.AttributeType.Name == "InputShapeAttribute")
                .Select(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (long)v.Value!).ToArray())
                .ToList();
            Assert.NotEmpty(inputs);
            foreach (var input in inputs)
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                try
                {
                    module.call(torch.zeros(input));
                }
                catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException or InvalidOperationException)
                {
                    failures.Add($"{label} on [{string.Join(",", input)}]: TorchSharp throws {e.Message.Split('\n')[0]}");
                }
            }
        }

        return new Execution(tree, diagnostics, ids.Select(p => (p.Key, p.Value)).ToList(), records, failures, runs);
    }

    /// <summary>The driver's modules, each yielded after the previous one has run; without a driver, every module class
    /// with an input shape, built with its parameterless constructor.</summary>
    private static IEnumerable<(string Label, torch.nn.Module<torch.Tensor, torch.Tensor> Module)> Modules(Assembly assembly, bool driven)
    {
        if (driven)
        {
            var runs = (System.Collections.IEnumerable)assembly.GetType("PrecisionDriver")!.GetMethod("Runs")!.Invoke(null, null)!;
            foreach (var item in runs)
            {
                yield return ((string, torch.nn.Module<torch.Tensor, torch.Tensor>))item;
            }

            yield break;
        }

        var moduleBase = typeof(torch.nn.Module<torch.Tensor, torch.Tensor>);
        foreach (var type in assembly.GetTypes().Where(t => !t.IsAbstract && moduleBase.IsAssignableFrom(t) && t.GetCustomAttributesData().Any(a => a.AttributeType.Name == "InputShapeAttribute")))
        {
            yield return (type.Name, (torch.nn.Module<torch.Tensor, torch.Tensor>)Activator.CreateInstance(type)!);
        }
    }
}
