using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ConvAnalyzers.Benchmarks;

/// <summary>
/// A synthetic solution: ordinary C# files, about 5% of them TorchSharp networks (Sequential and module classes,
/// input shapes, a few planted bugs from the analyzer tests), each file in its own namespace.
/// </summary>
public static class SyntheticSolution
{
    private static readonly CSharpParseOptions Options = new(LanguageVersion.Latest);

    public static IReadOnlyList<string> Networks { get; } =
        RealisticModels.All.Values.Select(m => m.Source)
            .Concat(NetworkAnalyzerSources.All.Values.Select(s => Regex.Replace(s, @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty)))
            .ToList();

    /// <summary>The CONV011 set: networks whose [InputShape] writes -1 for the batch and spatial sizes (swept over 1..4096).</summary>
    public static IReadOnlyList<string> FreeSizeNetworks { get; } = FreeSizeSources.All.Values.ToList();

    /// <param name="freeSizes">Also one CONV011 network in every 200 files (in place of an ordinary file), for the free-size sweep's cost.</param>
    /// <summary>A free-size network with its free sizes written as 64: what the network costs without the sweep.</summary>
    public static string Concrete(string source) =>
        Regex.Replace(source, @"InputShape\(([^)]*)\)", m => "InputShape(" + m.Groups[1].Value.Replace("-1", "64") + ")");

    /// <param name="concrete">With <paramref name="freeSizes"/>: the same networks with every -1 of [InputShape] written as 64 (no sweep).</param>
    public static List<SyntaxTree> Files(int count, bool freeSizes = false, bool concrete = false)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(AttributesGenerator.Source, Options, AttributesGenerator.HintName) };
        for (var i = 0; i < count; i++)
        {
            var body = i % 20 == 0 ? Networks[i / 20 % Networks.Count]
                : freeSizes && i % 200 == 10 ? (concrete ? Concrete(FreeSizeNetworks[i / 200 % FreeSizeNetworks.Count]) : FreeSizeNetworks[i / 200 % FreeSizeNetworks.Count])
                : Ordinary(i);
            trees.Add(CSharpSyntaxTree.ParseText(Wrap(i, body), Options, $"File{i}.cs"));
        }

        return trees;
    }

    /// <summary>
    /// <paramref name="count"/> files of the synthetic solution and, when <paramref name="freeSizeSet"/>, the whole CONV011
    /// network set after them (one file per network, -1 sizes as written): the free-size issue's "set added to the benchmarks".
    /// </summary>
    public static List<SyntaxTree> FilesWithFreeSizeSet(int count, bool freeSizeSet)
    {
        var trees = Files(count);
        if (freeSizeSet)
        {
            for (var k = 0; k < FreeSizeNetworks.Count; k++)
            {
                trees.Add(CSharpSyntaxTree.ParseText(Wrap(count + k, FreeSizeNetworks[k]), Options, $"File{count + k}.cs"));
            }
        }

        return trees;
    }

    public static CSharpCompilation Create(IEnumerable<SyntaxTree> trees, bool withTorchSharp)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && (withTorchSharp || !Path.GetFileName(p).StartsWith("TorchSharp", StringComparison.Ordinal)))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        var usings = withTorchSharp
            ? "global using System; global using System.Collections.Generic; global using System.Linq; global using TorchSharp; global using static TorchSharp.torch;"
            : "global using System; global using System.Collections.Generic; global using System.Linq;";
        var all = withTorchSharp ? trees : trees.Where(t => !t.ToString().Contains("nn.", StringComparison.Ordinal));
        return CSharpCompilation.Create("Synthetic", all.Append(CSharpSyntaxTree.ParseText(usings, Options, "Usings.cs")), references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    private static string Wrap(int i, string body) =>
        string.Join("\n", body.Split('\n').Select(l => l.TrimStart().StartsWith("using ", StringComparison.Ordinal) ? "// " + l : l)) is var text
            ? $"namespace N{i}\n{{\n{text}\n}}\n"
            : string.Empty;

    private static string Ordinary(int i) => $$"""
        public sealed class Service{{i}}
        {
            private readonly Dictionary<string, int> _counts = new();

            public int Add(string key, int value)
            {
                _counts.TryGetValue(key, out var current);
                _counts[key] = current + value * {{i % 7 + 1}};
                return _counts[key];
            }

            public IEnumerable<string> Keys(int minimum)
            {
                foreach (var (key, count) in _counts)
                {
                    if (count >= minimum)
                    {
                        yield return key.ToUpperInvariant();
                    }
                }
            }

            public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? 0 : values.Sum() / values.Count;
        }
        """;
}
