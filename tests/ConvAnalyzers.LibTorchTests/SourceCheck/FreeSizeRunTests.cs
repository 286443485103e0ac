using System.Reflection;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;
using Xunit;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// CONV011 against TorchSharp: each network of <see cref="FreeSizeSources"/> (and each real-idiom image model the
/// analyzer answers for) compiled from the same source and run on sizes 1..64 and 20 seeded random sizes up to 4096
/// per free dimension, the other free sizes held as the message says. An accepted size runs (and comes back as the
/// output's size exactly when the message says so); a rejected one throws, or runs with the wrong shape where the
/// analyzer predicts that (a decoder missing its encoder, [OutputShape]). Sizes that give a ConvTranspose an output
/// below 1 are predicted, never run: libtorch can abort the process on them. <c>CONV_SIZES_CASES</c> sets how many
/// random sizes (20 by default), <c>CONV_SIZES_SEED</c> picks other ones.
/// </summary>
public sealed class FreeSizeRunTests
{
    public static TheoryData<string> Cases() => new(FreeSizeSources.All.Keys.Concat(FreeSizeSources.RealIdioms().Select(r => r.Name)));

    private static int RandomSizes => int.TryParse(Environment.GetEnvironmentVariable("CONV_SIZES_CASES"), out var n) ? n : 20;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("CONV_SIZES_SEED"), out var n) ? n : 16;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Accepted_sizes_run_and_rejected_ones_fail_as_predicted(string name)
    {
        LibTorch.EnsureLoaded();
        var source = FreeSizeSources.All.TryGetValue(name, out var s) ? s : FreeSizeSources.RealIdioms().Single(r => r.Name == name).Source;
        var compilation = InMemoryCompiler.Compile(name, [("Case.cs", source), (AttributesGenerator.HintName, AttributesGenerator.Source)]);
        var diagnostics = await InMemoryCompiler.AnalyzeAsync(compilation, new NetworkAnalyzer());
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);

        var tree = compilation.SyntaxTrees.First();
        var model = compilation.GetSemanticModel(tree);
        var runs = new NetworkRuns(compilation, TorchLibrary.Create(compilation)!, ShapeAttributes.For(compilation), CancellationToken.None).RunsOf(tree, model).ToList();
        var found = runs.SelectMany(r => r.Recorder.FreeSizes).Distinct().ToList();
        if (found.Count == 0)
        {
            // Something unknown on the path: nothing is claimed.
            Assert.Contains(name, FreeSizeSources.Unanswered);
            Assert.DoesNotContain(diagnostics, d => d.Id == "CONV011");
            return;
        }

        var (attribute, answer) = Assert.Single(found);
        Assert.Equal(answer.Message, Assert.Single(diagnostics, d => d.Id == "CONV011").GetMessage());
        var rootName = attribute.FirstAncestorOrSelf<ClassDeclarationSyntax>()!.Identifier.ValueText;
        var root = InMemoryCompiler.Load(compilation).GetTypes().Single(t => t.Name == rootName);
        if (root.GetConstructor(Type.EmptyTypes) is null)
        {
            // Built with arguments at a creation site: the libtorch run of the real-idiom suite covers its concrete input.
            Assert.StartsWith("RealIdiom_", name);
            return;
        }

        var written = root.GetCustomAttributesData().Where(a => a.AttributeType.Name == "InputShapeAttribute")
            .Select(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (long)v.Value!).ToArray()).Single(w => w.Contains(-1));
        using var module = (torch.nn.Module<torch.Tensor, torch.Tensor>)Activator.CreateInstance(root)!;
        module.eval();
        var random = new Random(Seed ^ StableHash(name));
        var sizes = Enumerable.Range(1, 64).Select(i => (long)i).Concat(Enumerable.Range(0, RandomSizes).Select(_ => (long)random.Next(65, 4097))).Distinct().ToList();
        var checkedSizes = 0;
        var predicted = 0;
        foreach (var dimension in answer.Dimensions)
        {
            foreach (var size in sizes)
            {
                if (dimension.EmptyTransposed.Contains(size))
                {
                    Assert.DoesNotContain(size, dimension.Accepted);
                    predicted++;
                    continue;
                }

                var input = written.Select((w, i) => i == 0 && w == -1 ? 2 : i == dimension.Position ? size : w == -1 ? answer.Held : w).ToArray();
                var label = $"{dimension.Name} = {size} (input [{string.Join(",", input)}])";
                using var scope = torch.NewDisposeScope();
                long[]? output = null;
                string? error = null;
                try
                {
                    using var x = torch.zeros(input);
                    output = module.call(x).shape;
                }
                catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
                {
                    error = e.Message.Split('\n')[0];
                }

                checkedSizes++;
                if (dimension.Accepted.Contains(size))
                {
                    Assert.True(error is null, $"{label}: CONV011 says accepted, TorchSharp throws {error}");
                    if (answer.HasDecoder)
                    {
                        Assert.True(dimension.Returned.Contains(size) == (output!.Length == input.Length && output[dimension.Position] == size),
                            $"{label}: CONV011 says {(dimension.Returned.Contains(size) ? "returned" : "not returned")}, TorchSharp returns [{string.Join(",", output!)}]");
                    }
                }
                else if (dimension.MisShaped.Contains(size))
                {
                    Assert.True(error is null, $"{label}: predicted to run with a wrong shape, TorchSharp throws {error}");
                }
                else
                {
                    Assert.True(error is not null, $"{label}: CONV011 says rejected, TorchSharp returns [{string.Join(",", output ?? [])}]");
                }
            }
        }

        Assert.True(checkedSizes >= sizes.Count, $"{checkedSizes} sizes run, {predicted} predicted");
    }

    private static int StableHash(string text) => text.Aggregate(17, (h, c) => unchecked((h * 31) + c));
}
