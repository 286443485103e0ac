using ConvAnalyzers.Extraction;
using ConvAnalyzers.Generators;
using ConvAnalyzers.Model;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// The realistic models (tests/Shared/RealisticModels.cs) run in TorchSharp on their inputs; wherever the
/// analyzer's propagation resolves the output shape it equals TorchSharp's, and it resolves at least 25 of them.
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
        var symbols = TorchSharpSymbols.Create(compilation)!;
        var modules = new SourceModules(compilation, default);
        var resolved = 0;
        var failures = new List<string>();
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
            var predicted = modules.Resolve(symbol) is { Forward: not null } m
                ? NetworkRun.Run(symbols, modules.Resolve, m, null, [new TensorShape(input)], default).Outputs.Single().Output
                : null;
            if (predicted is null)
            {
                _output.WriteLine($"{name}: not resolved (TorchSharp: [{string.Join(",", actual)}])");
                continue;
            }

            resolved++;
            if (!predicted.Dims.SequenceEqual(actual))
            {
                failures.Add($"{name}: predicted {predicted}, TorchSharp [{string.Join(",", actual)}]");
            }
        }

        _output.WriteLine($"realistic models: {RealisticModels.All.Count} run in TorchSharp, {resolved} output shapes resolved, {failures.Count} wrong");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(resolved >= 25, $"only {resolved} of {RealisticModels.All.Count} output shapes resolved");
    }
}
