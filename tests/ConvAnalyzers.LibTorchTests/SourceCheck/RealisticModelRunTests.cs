using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// The realistic models (tests/Shared/RealisticModels.cs) run in TorchSharp on their inputs: the network analyzer's
/// run of each (NetworkRuns on the interpreter, its recorded output) resolves the output shape, and it equals TorchSharp's.
/// </summary>
public sealed class RealisticModelRunTests
{
    private readonly ITestOutputHelper _output;

    public RealisticModelRunTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Predicted_output_shapes_equal_TorchSharp()
    {
        LibTorch.EnsureLoaded();
        var files = RealisticModels.All.Select(m => (m.Key + ".cs", m.Value.Source)).Append((AttributesGenerator.HintName, AttributesGenerator.Source));
        var compilation = InMemoryCompiler.Compile("Realistic", files);
        var assembly = InMemoryCompiler.Load(compilation);
        var runs = new NetworkRuns(compilation, TorchLibrary.Create(compilation)!, ShapeAttributes.For(compilation), default);
        var resolved = 0;
        var failures = new List<string>();
        var unresolved = new List<string>();
        foreach (var (name, (_, input)) in RealisticModels.All)
        {
            var type = assembly.GetTypes().Single(t => t.Name == (name == "UNetPadded256" ? "UNet" : name));
            using var scope = torch.NewDisposeScope();
            using var model = (torch.nn.Module<torch.Tensor, torch.Tensor>)Activator.CreateInstance(type)!;
            model.eval();
            long[] actual;
            using (torch.no_grad())
            {
                actual = model.call(torch.randn(input)).shape;
            }

            var symbol = compilation.GetTypeByMetadataName(type.FullName!)!;
            var tree = symbol.DeclaringSyntaxReferences[0].SyntaxTree;
            var recorders = runs.RunsOf(tree, compilation.GetSemanticModel(tree)).Where(r => SymbolEqualityComparer.Default.Equals(r.Declared, symbol)).Select(r => r.Recorder).ToList();
            var outputs = recorders.SelectMany(r => r.Outputs).Where(o => o.Certain).Select(o => o.Output?.Shape).ToList();
            var predicted = outputs is [Dim[] shape] && shape.All(d => d.IsKnown) ? shape.Select(d => d.Known!.Value).ToArray() : null;
            if (predicted is null)
            {
                var reasons = recorders.SelectMany(r => r.Unknowns).Select(u => $"{u.Site.Name}: {u.Reason}").Distinct();
                unresolved.Add($"{name}: {(outputs.Count == 0 ? "no output recorded" : string.Join(" | ", outputs.Select(o => o is null ? "unknown" : Dim.Format(o))))} (TorchSharp: [{string.Join(",", actual)}]); CONV012: {string.Join("; ", reasons)}");
                continue;
            }

            resolved++;
            if (!predicted.SequenceEqual(actual))
            {
                failures.Add($"{name}: predicted [{string.Join(",", predicted)}], TorchSharp [{string.Join(",", actual)}]");
            }
        }

        _output.WriteLine($"realistic models: {RealisticModels.All.Count} run in TorchSharp, {resolved} output shapes resolved, {failures.Count} wrong");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(unresolved.Count == 0, "output shapes not resolved:\n" + string.Join("\n", unresolved));
    }
}
