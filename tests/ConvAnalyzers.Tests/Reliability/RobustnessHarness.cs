using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.Tests.Reliability;

/// <summary>
/// Runs the analyzers and the generator on arbitrary (often broken) programs: any exception inside them is
/// collected (CompilationWithAnalyzers' onAnalyzerException, the generator driver's run results) and fails the
/// calling test. src/ has no catch-all handler that could hide one.
/// </summary>
internal static class RobustnessHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        return trusted.ToImmutableArray();
    });

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Every C# source the tests and samples use, markup removed: the material the suites cut and mutate.</summary>
    public static IReadOnlyList<string> Corpus { get; } = BuildCorpus();

    private static IReadOnlyList<string> BuildCorpus()
    {
        static string Strip(string s) => Regex.Replace(s, @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty);
        var sources = LayerAnalyzerSources.All.Values.Select(Strip)
            .Concat(NetworkAnalyzerSources.All.Values.Select(Strip))
            .Concat(CodeFixSources.All.Values.SelectMany(c => new[] { Strip(c.Before), c.After }))
            .Concat(GeneratorSources.All.Values.Select(g => g.Source))
            .ToList();
        var samples = Path.Combine(AnalyzerHygieneTests.RepositoryRoot(), "samples");
        sources.AddRange(Directory.EnumerateFiles(samples, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        return sources;
    }

    public sealed record Run(IReadOnlyList<string> Diagnostics, IReadOnlyList<string> Exceptions, Compilation Compilation, ImmutableArray<Diagnostic> Analyzer);

    public static async Task<Run> AnalyzeAsync(string source, bool withGenerator = true)
    {
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(source, ParseOptions, "Program.cs"),
            CSharpSyntaxTree.ParseText(AttributesGenerator.Source, ParseOptions, AttributesGenerator.HintName),
        };
        Compilation compilation = CSharpCompilation.Create("Fuzz", trees, References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            // The traces (Hidden, computed only when raised) are raised: building them must not crash either.
            .WithSpecificDiagnosticOptions([new("CONV000", ReportDiagnostic.Info), new("CONV012", ReportDiagnostic.Info)]));
        var exceptions = new List<string>();
        if (withGenerator)
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new MirrorDecoderGenerator());
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
            exceptions.AddRange(driver.GetRunResult().Results.Where(r => r.Exception is not null).Select(r => "generator: " + r.Exception));
        }

        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => { lock (exceptions) { exceptions.Add($"{analyzer}: {exception}"); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
        var keys = diagnostics.Select(d => $"{d.Id} {d.Location.SourceSpan} {d.GetMessage()}").OrderBy(k => k, StringComparer.Ordinal).ToList();
        return new Run(keys, exceptions, compilation, diagnostics);
    }
}
