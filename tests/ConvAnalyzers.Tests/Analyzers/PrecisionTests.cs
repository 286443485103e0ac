using System.Collections.Immutable;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>
/// The precision contract (DESIGN.md §3): valid code is never reported. Code the old analyzer called a channel
/// mismatch is now followed to the end (CONV000 at every layer it calls; the libtorch tests check the shapes against
/// TorchSharp), and code whose shapes the interpreter cannot know stays silent and says why (CONV012).
/// </summary>
public sealed class PrecisionTests
{
    public static TheoryData<string> TracedCases() => new(PrecisionSources.Traced.Keys);

    public static TheoryData<string> UnknownCases() => new(PrecisionSources.Unknowns.Keys);

    [Fact]
    public void Every_case_compiles()
    {
        var sources = PrecisionSources.Traced.Select(c => (c.Key, c.Value.Source))
            .Concat(PrecisionSources.Unknowns.Select(c => (c.Key, c.Value.Source)))
            .Concat(PrecisionSources.Budgets.Select(c => (c.Key, c.Value.Source)));
        var failures = new List<string>();
        foreach (var (name, source) in sources)
        {
            var errors = PrecisionAnalysis.Compile(source).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).ToList();
            if (errors.Count > 0)
            {
                failures.Add(name + ": " + string.Join("; ", errors));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(TracedCases))]
    public async Task Valid_code_is_silent_and_traced_at_every_layer(string name)
    {
        var run = await PrecisionAnalysis.RunAsync(PrecisionSources.Traced[name].Source);
        run.AssertNoExceptionOrWarning();

        var model = run.Compilation.GetSemanticModel(run.Tree);
        var notCalled = PrecisionSites.Marked(run.Tree, PrecisionSources.NotCalled);
        var failures = new List<string>();
        foreach (var site in PrecisionSites.LayerFactories(model))
        {
            var traces = run.At(site.Span, "CONV000");
            if (notCalled.Contains(site.Span))
            {
                // Replaced on the constructor path before forward ever runs: a trace here would be a guess.
                if (traces.Count > 0)
                {
                    failures.Add($"{site}: never called, but CONV000 says {traces[0].GetMessage()}");
                }

                continue;
            }

            var shapes = traces.Select(PrecisionSites.Shapes).ToList();
            if (traces.Count == 0)
            {
                failures.Add($"{site}: no CONV000");
            }
            else if (shapes.Any(s => s is null || s.Count == 0))
            {
                failures.Add($"{site}: CONV000 without Properties[\"shapes\"]: {traces[0].GetMessage()}");
            }
            else if (shapes.SelectMany(s => s!).Any(s => s.Input.Contains('?') || s.Output.Contains('?')))
            {
                failures.Add($"{site}: CONV000 with an unknown dim: {traces[0].Properties["shapes"]}");
            }
        }

        var unknown = run.Diagnostics.Where(d => d.Id == "CONV012").ToList();
        failures.AddRange(unknown.Select(d => $"CONV012 at {Describe(run, d)}: {d.GetMessage()}"));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(UnknownCases))]
    public Task Unknown_shapes_are_silent_and_say_why(string name) => ConvAnalyzers.TestSources.KnownGaps.Check(name, () => Unknown_shapes_are_silent_and_say_whyChecked(name));

    private async Task Unknown_shapes_are_silent_and_say_whyChecked(string name)
    {
        var @case = PrecisionSources.Unknowns[name];
        var run = await PrecisionAnalysis.RunAsync(@case.Source);
        run.AssertNoExceptionOrWarning();

        var marked = PrecisionSites.Marked(run.Tree, PrecisionSources.Unknown);
        Assert.NotEmpty(marked);
        var explanations = run.Diagnostics.Where(d => d.Id == "CONV012").ToList();
        var explained = explanations.Any(d => d.Location.SourceTree == run.Tree
            && marked.Any(m => m.Contains(d.Location.SourceSpan))
            && @case.Reasons.Any(r => d.GetMessage().Contains(r, StringComparison.OrdinalIgnoreCase)));
        run.AssertNoWholeShapeWhereUnknowable();
        Assert.True(explained, $"expected a CONV012 at one of {string.Join(", ", marked.Select(m => run.Tree.GetText().ToString(m)))} naming {string.Join(" or ", @case.Reasons)}; got:\n"
            + string.Join("\n", explanations.Select(d => $"{Describe(run, d)}: {d.GetMessage()}").DefaultIfEmpty("no CONV012")));
    }

    private static string Describe(PrecisionAnalysis.Run run, Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree == run.Tree ? run.Tree.GetText().ToString(diagnostic.Location.SourceSpan) : diagnostic.Location.ToString();
}

/// <summary>
/// Runs both analyzers on one program in memory, with TorchSharp, the shape attributes and the vendor library
/// referenced, CONV000/CONV012 raised, and a generous time limit: a hang fails the test instead of blocking CI.
/// Analyzer exceptions are collected (they would be AD0001 in a build) and fail the calling test.
/// </summary>
internal static class PrecisionAnalysis
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> Platform = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    /// <summary>The vendor library as a compiled assembly: the analyzers see its metadata, never its source.</summary>
    private static readonly Lazy<MetadataReference> Vendor = new(() =>
    {
        var library = CSharpCompilation.Create(
            PrecisionSources.VendorAssembly,
            [CSharpSyntaxTree.ParseText(PrecisionSources.VendorLibrary, ParseOptions)],
            Platform.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    });

    public sealed record Run(Compilation Compilation, SyntaxTree Tree, ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> Exceptions)
    {
        public List<Diagnostic> At(Microsoft.CodeAnalysis.Text.TextSpan span, string id) =>
            Diagnostics.Where(d => d.Id == id && d.Location.SourceTree == Tree && d.Location.SourceSpan == span).ToList();

        /// <summary>A layer whose output depends on what the interpreter cannot know (marked
        /// <see cref="PrecisionSources.NoTrace"/>) gets no whole shape in CONV000: that would be a guess.</summary>
        public void AssertNoWholeShapeWhereUnknowable()
        {
            var guesses = PrecisionSites.Marked(Tree, PrecisionSources.NoTrace)
                .SelectMany(site => At(site, "CONV000"))
                .Where(d => PrecisionSites.Shapes(d) is not { } shapes || shapes.Any(s => !s.Output.Contains('?')))
                .Select(d => $"{Tree.GetText().ToString(d.Location.SourceSpan)}: CONV000 {d.GetMessage()} ({d.Properties.GetValueOrDefault("shapes")})")
                .ToList();
            Assert.True(guesses.Count == 0, "a whole shape where the interpreter cannot know it:\n" + string.Join("\n", guesses));
        }

        public void AssertNoExceptionOrWarning(IReadOnlyCollection<string>? allowed = null)
        {
            Assert.True(Exceptions.Count == 0, "analyzer exception (AD0001):\n" + string.Join("\n", Exceptions));
            var loud = Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && allowed?.Contains(d.Id) != true).ToList();
            Assert.True(loud.Count == 0, "expected no Warning or Error:\n" + string.Join("\n", loud.Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition}: {d.GetMessage()}")));
        }
    }

    public static CSharpCompilation Compile(string source) => CSharpCompilation.Create(
        "Precision",
        [
            CSharpSyntaxTree.ParseText(source, ParseOptions, "Program.cs"),
            CSharpSyntaxTree.ParseText(AttributesGenerator.Source, ParseOptions, AttributesGenerator.HintName),
        ],
        Platform.Value.Add(Vendor.Value),
        PrecisionSites.RaiseTraces(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));

    public static Task<Run> RunAsync(string source) => RunAsync(Compile(source));

    public static async Task<Run> RunAsync(Compilation compilation)
    {
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => { lock (exceptions) { exceptions.Add($"{analyzer}: {exception}"); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        using var cancellation = new CancellationTokenSource(Timeout);
        var analysis = compilation.WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()], options)
            .GetAnalyzerDiagnosticsAsync(cancellation.Token);
        ImmutableArray<Diagnostic> diagnostics;
        try
        {
            // An analyzer that never looks at the token still fails the test once the limit has passed.
            diagnostics = await analysis.WaitAsync(Timeout + TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"the analysis did not finish within {Timeout.TotalSeconds} s: a budget is missing ({e.GetType().Name})");
        }

        exceptions.AddRange(diagnostics.Where(d => d.Id is "AD0001").Select(d => d.GetMessage()));
        return new Run(compilation, compilation.SyntaxTrees.First(), diagnostics, exceptions);
    }
}
