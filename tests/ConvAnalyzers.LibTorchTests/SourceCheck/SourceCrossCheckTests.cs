using System.Reflection;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.LibTorchTests.Oracle;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// Seeded random layer constructors written as C# source, analyzed, and the same sources compiled and run in
/// TorchSharp: CONV001/CONV002 if and only if TorchSharp throws (with the message family of a reported rule) or
/// the output_padding is wrong as written but hidden by TorchSharp's collapse; CONV007 if and only if the shape
/// the code intends differs from what TorchSharp returns.
/// CONV_SOURCE_CASES sets the count (default 2,400); CONV_ORACLE_SEED the seed.
/// </summary>
public sealed class SourceCrossCheckTests
{
    private const int DefaultCases = 2400;
    private const int BatchSize = 400;

    private readonly ITestOutputHelper _output;

    public SourceCrossCheckTests(ITestOutputHelper output) => _output = output;

    private static int CaseCount() =>
        int.TryParse(Environment.GetEnvironmentVariable("CONV_SOURCE_CASES"), out var n) && n > 0 ? n : DefaultCases;

    /// <summary>Cases whose only predicted failures (if any) are the input-independent ones the layer analyzer reports.</summary>
    private static bool IsLayerLevel(OracleCase c)
    {
        if (c.RequestedOutputSize is not null)
        {
            return false;
        }

        foreach (var semantics in new[] { OutputPaddingSemantics.TorchSharpForward, OutputPaddingSemantics.PerDimension })
        {
            var outcome = ShapeAlgebra.Forward(c.Geometry, c.Input, semantics);
            var hyper = ShapeAlgebra.Validate(c.Geometry, semantics).Select(v => v.Rule).ToHashSet();
            if (!outcome.IsValid && !(outcome.Violations.Count > 0 && outcome.Violations.All(v => hyper.Contains(v.Rule))))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public async Task Layer_diagnostics_agree_with_TorchSharp_on_the_same_sources()
    {
        LibTorch.EnsureLoaded();
        var seed = ArithmeticOracleTests.Seed();
        var generator = new CaseGenerator(seed);
        var rng = new Random(seed);
        var total = CaseCount();
        var failures = new List<string>();
        var counts = new Dictionary<string, int> { ["CONV001"] = 0, ["CONV002"] = 0, ["CONV007"] = 0, ["silent"] = 0 };

        for (var start = 0; start < total; start += BatchSize)
        {
            var batch = new List<(string Name, OracleCase Case, string Source)>();
            while (batch.Count < Math.Min(BatchSize, total - start))
            {
                var c = generator.Next();
                if (IsLayerLevel(c))
                {
                    var name = $"Case{start + batch.Count}";
                    batch.Add((name, c, LayerSource.Class(name, c, rng)));
                }
            }

            var compilation = InMemoryCompiler.Compile($"SourceCheck{start}", batch.Select(b => (b.Name + ".cs", b.Source)));
            if (Environment.GetEnvironmentVariable("CONV_SOURCE_DUMP") is string dump)
            {
                Directory.CreateDirectory(dump);
                foreach (var b in batch)
                {
                    File.WriteAllText(Path.Combine(dump, b.Name + ".cs"), b.Source);
                }
            }

            var diagnostics = await InMemoryCompiler.AnalyzeAsync(compilation, new LayerAnalyzer());
            var byFile = diagnostics.GroupBy(d => d.Location.SourceTree!.FilePath).ToDictionary(g => g.Key, g => g.Select(d => d.Id).ToHashSet());
            var assembly = InMemoryCompiler.Load(compilation);

            foreach (var (name, c, source) in batch)
            {
                var ids = byFile.TryGetValue(name + ".cs", out var found) ? found : new HashSet<string>();
                var verdict = Check(assembly, name, c, ids);
                if (verdict is not null)
                {
                    failures.Add($"{name} (seed {seed}): {verdict}\n  diagnostics: {string.Join(",", ids)}\n{source}");
                }

                foreach (var id in ids)
                {
                    counts[id] = counts.GetValueOrDefault(id) + 1;
                }

                if (ids.Count == 0)
                {
                    counts["silent"]++;
                }
            }
        }

        var report = $"source cross-check: seed {seed}, {total} layer constructors, " + string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));
        _output.WriteLine(report);
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements:\n" + string.Join("\n", failures.Take(10)));
        Assert.True(counts["CONV001"] >= 50 && counts["CONV002"] >= 100 && counts["CONV007"] >= 50 && counts["silent"] >= 500, report);
    }

    private static string? Check(Assembly assembly, string name, OracleCase c, HashSet<string> ids)
    {
        using var scope = torch.NewDisposeScope();
        string? error = null;
        long[]? shape = null;
        try
        {
            var run = assembly.GetType(name)!.GetMethod("Run")!;
            using var x = torch.zeros(c.Input.Dims.ToArray());
            shape = ((torch.Tensor)run.Invoke(null, [x])!).shape;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            error = e.InnerException.Message.Split('\n')[0];
        }

        // CONV001/CONV002 also report an output_padding that is wrong as written although TorchSharp's collapse of
        // the tuple hides it (DESIGN.md §4); CONV007 then explains what TorchSharp runs instead.
        var reported = ids.Contains("CONV001") || ids.Contains("CONV002");
        var wrongAsWritten = ShapeAlgebra.Validate(c.Geometry, OutputPaddingSemantics.PerDimension).Count > 0;
        if (reported != (error is not null || wrongAsWritten))
        {
            return reported ? $"reported an error, but TorchSharp returned {ArithmeticText.Shape(shape!)}" : $"silent, but TorchSharp threw: {error}";
        }

        if (error is not null)
        {
            var rules = ShapeAlgebra.Validate(c.Geometry, OutputPaddingSemantics.TorchSharpForward)
                .Concat(ShapeAlgebra.Validate(c.Geometry, OutputPaddingSemantics.PerDimension))
                .Select(v => v.Rule);
            if (!rules.Any(r => RuleInfo.Of(r).MessageFamily.Any(p => Regex.IsMatch(error, p))))
            {
                return $"TorchSharp threw '{error}', which is not the message family of a reported rule";
            }
        }

        if (c.Geometry.Kind == LayerKind.ConvTranspose)
        {
            // An outcome is a shape, or a failure: two failures are the same outcome for the user (the layer cannot run).
            var intended = ShapeAlgebra.Forward(c.Geometry, c.Input, OutputPaddingSemantics.PerDimension);
            var intendedText = intended.IsValid ? ArithmeticText.Shape(intended.Output!.Dims) : "error";
            var actualText = error is null ? ArithmeticText.Shape(shape!) : "error";
            if ((intendedText != actualText) != ids.Contains("CONV007"))
            {
                return $"CONV007 {(ids.Contains("CONV007") ? "reported" : "missing")}: intended {intendedText}, TorchSharp {error ?? actualText}";
            }
        }

        return null;
    }
}
