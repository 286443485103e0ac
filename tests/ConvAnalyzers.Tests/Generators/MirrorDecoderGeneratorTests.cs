using System.Collections.Immutable;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Analyzers;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ConvAnalyzers.Tests.Generators;

public sealed class MirrorDecoderGeneratorTests
{
    public static TheoryData<string> Cases() => new(GeneratorSources.All.Keys);

    internal static async Task<(GeneratorDriverRunResult Result, Compilation Output)> RunAsync(string source, GeneratorDriver? driver = null)
    {
        var compilation = await TestCompilation.CreateAsync(source, (AttributesGenerator.HintName, AttributesGenerator.Source));
        driver ??= CSharpGeneratorDriver.Create([new MirrorDecoderGenerator().AsSourceGenerator()], driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>What the user sees about the generator: <see cref="MirrorDecoderAnalyzer"/> over the compilation with the generated code.</summary>
    internal static async Task<ImmutableArray<Diagnostic>> DiagnoseAsync(Compilation output) =>
        await output.WithAnalyzers([new MirrorDecoderAnalyzer()]).GetAnalyzerDiagnosticsAsync();

    /// <summary>The generator's run (which reports nothing itself) and the analyzer's diagnostics for <paramref name="source"/>.</summary>
    internal static async Task<(GeneratorDriverRunResult Result, ImmutableArray<Diagnostic> Diagnostics)> RunAndDiagnoseAsync(string source)
    {
        var (result, output) = await RunAsync(source);
        Assert.Empty(result.Diagnostics);
        return (result, await DiagnoseAsync(output));
    }

    /// <summary>The exact generated code, compared with tests/ConvAnalyzers.Tests/Generators/Snapshots (CONV_UPDATE_SNAPSHOTS=1 rewrites them).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generated_code_matches_the_snapshot_and_compiles(string name)
    {
        var (result, output) = await RunAsync(GeneratorSources.All[name].Source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(await DiagnoseAsync(output));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var generated = Assert.Single(result.GeneratedTrees);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        AssertSnapshot(name, generated.GetText().ToString());
    }

    /// <summary>Compares with tests/ConvAnalyzers.Tests/Generators/Snapshots/<paramref name="name"/>.g.cs; CONV_UPDATE_SNAPSHOTS=1 rewrites it.</summary>
    internal static void AssertSnapshot(string name, string generated)
    {
        var path = Path.Combine(AnalyzerHygieneTests.RepositoryRoot(), "tests/ConvAnalyzers.Tests/Generators/Snapshots", name + ".g.cs");
        var text = generated.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("CONV_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, text);
        }

        Assert.True(File.Exists(path), "missing snapshot " + path + " (run with CONV_UPDATE_SNAPSHOTS=1)");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), text);
    }
}
