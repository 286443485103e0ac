using System.Collections.Immutable;
using System.Text;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ConvAnalyzers.Tests.Reliability;

public sealed class ScaleAndHostileTests
{
    /// <summary>
    /// A 1,000-file compilation (CONV_SCALE_FILES; the 5,000-file, 20-run sweep is CONV_SCALE_FILES=5000
    /// CONV_SCALE_RUNS=20) analyzed several times with concurrent execution: identical diagnostics every time.
    /// </summary>
    [Fact]
    public async Task Concurrent_analysis_of_many_files_is_deterministic()
    {
        var files = TypingSimulationTests.Count("CONV_SCALE_FILES", 1000);
        var runs = TypingSimulationTests.Count("CONV_SCALE_RUNS", 3);
        var corpus = RobustnessHarness.Corpus;
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(AttributesGenerator.Source, path: AttributesGenerator.HintName) };
        for (var i = 0; i < files; i++)
        {
            // Every file its own namespace, so that the same sample classes do not collide.
            var source = i % 20 == 0 ? corpus[i / 20 % corpus.Count] : $"public static class Plain{i} {{ public static int Value(int x) => x * {i} + 1; }}";
            trees.Add(CSharpSyntaxTree.ParseText($"namespace N{i} {{\n{Hoist(source)}\n}}", new CSharpParseOptions(LanguageVersion.Latest), $"File{i}.cs"));
        }

        var first = await Diagnostics(trees);
        Assert.Contains(first, d => d.StartsWith("CONV005", StringComparison.Ordinal));
        var memory = new List<long> { Settled() };
        for (var run = 1; run < runs; run++)
        {
            Assert.Equal(first, await Diagnostics(trees));
            memory.Add(Settled());
        }

        // Memory stays flat: nothing the analyzers keep grows with the number of runs (a generous bound, not a timing).
        Assert.True(memory[^1] < memory[0] * 2 + (64L << 20), "managed memory after each run: " + string.Join(", ", memory));
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Usings must precede the namespace declaration: move them out of the wrapped source.</summary>
    private static string Hoist(string source) => string.Join("\n", source.Split('\n').Select(l => l.TrimStart().StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';') ? "// " + l : l));

    private static async Task<List<string>> Diagnostics(IEnumerable<SyntaxTree> trees)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(p => MetadataReference.CreateFromFile(p));
        var globalUsings = CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using TorchSharp; global using static TorchSharp.torch;", new CSharpParseOptions(LanguageVersion.Latest), "Usings.cs");
        var compilation = CSharpCompilation.Create("Scale", trees.Append(globalUsings), references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            .WithSpecificDiagnosticOptions([new("CONV000", ReportDiagnostic.Info), new("CONV012", ReportDiagnostic.Info)]));
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (e, a, _) => { lock (exceptions) { exceptions.Add(e.ToString()); } }, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        return diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan()} {d.GetMessage()}").OrderBy(s => s, StringComparer.Ordinal).ToList();
    }

    public static TheoryData<string, string?> HostileEncoders() => new()
    {
        // Modules that contain each other: nesting is followed to a fixed depth, then unknown.
        { GeneratorSources.Usings + """
            [ConvAnalyzers.InputShape(1, 3, 8, 8)]
            public sealed class A : nn.Module<Tensor, Tensor>
            {
                private readonly B b = new B();
                public A() : base("A") => RegisterComponents();
                public override Tensor forward(Tensor x) => b.forward(x);
            }
            public sealed class B : nn.Module<Tensor, Tensor>
            {
                private readonly A a = new A();
                public B() : base("B") => RegisterComponents();
                public override Tensor forward(Tensor x) => a.forward(x);
            }
            [ConvAnalyzers.MirrorDecoder(typeof(A))] public partial class D { }
            """, "CONV104" },
        // An unsupported layer in the middle of the chain.
        { GeneratorSources.Usings + """
            [ConvAnalyzers.InputShape(1, 3, 16, 16)]
            public sealed class E : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 8, 3, stride: 2, padding: 1), nn.ConvTranspose2d(8, 8, 2, stride: 2), nn.Conv2d(8, 4, 3));
                public E() : base("E") => RegisterComponents();
                public override Tensor forward(Tensor x) => net.forward(x);
            }
            [ConvAnalyzers.MirrorDecoder(typeof(E))] public partial class D { }
            """, "CONV104" },
        // An encoder of 1,000 layers: a verified decoder of 1,000 layers, or nothing.
        { GeneratorSources.Usings + $$"""
            [ConvAnalyzers.InputShape(1, 2, 8, 8)]
            public sealed class Deep : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential({{string.Join(", ", Enumerable.Repeat("nn.Conv2d(2, 2, 3, padding: 1), nn.ReLU()", 500))}});
                public Deep() : base("Deep") => RegisterComponents();
                public override Tensor forward(Tensor x) => net.forward(x);
            }
            [ConvAnalyzers.MirrorDecoder(typeof(Deep))] public partial class D { }
            """, null },
    };

    [Theory]
    [MemberData(nameof(HostileEncoders))]
    public async Task Hostile_encoders_get_a_diagnostic_or_code_that_compiles(string source, string? expected)
    {
        var run = await RobustnessHarness.AnalyzeAsync(source);
        Assert.Empty(run.Exceptions);
        var errors = run.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        var (result, diagnostics) = await Generators.MirrorDecoderGeneratorTests.RunAndDiagnoseAsync(source);
        if (expected is null)
        {
            Assert.Empty(diagnostics);
            Assert.Single(result.GeneratedTrees);
        }
        else
        {
            Assert.Equal(expected, Assert.Single(diagnostics).Id);
            Assert.Empty(result.GeneratedTrees);
        }
    }

    [Fact]
    public async Task An_encoder_split_over_partial_files_is_read_whole()
    {
        var one = GeneratorSources.Usings + """
            [ConvAnalyzers.InputShape(1, 3, 16, 16)]
            public sealed partial class Split : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 8, 3, stride: 2, padding: 1);
                public Split() : base("Split") => RegisterComponents();
            }
            [ConvAnalyzers.MirrorDecoder(typeof(Split))] public partial class D { }
            """;
        var two = GeneratorSources.Usings + """
            public sealed partial class Split
            {
                public override Tensor forward(Tensor x) => conv.forward(x);
            }
            """;
        var compilation = await Verifiers.TestCompilation.CreateAsync(one, ("Two.cs", two), (AttributesGenerator.HintName, AttributesGenerator.Source));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new MirrorDecoderGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        Assert.Empty(driver.GetRunResult().Diagnostics);
        Assert.Empty(await Generators.MirrorDecoderGeneratorTests.DiagnoseAsync(output));
        Assert.Contains("ConvTranspose2d(8, 3, 3, stride: 2, padding: 1, output_padding: 1", Assert.Single(driver.GetRunResult().GeneratedTrees).ToString());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
