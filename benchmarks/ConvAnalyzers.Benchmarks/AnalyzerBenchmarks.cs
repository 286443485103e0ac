using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using ConvAnalyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.Benchmarks;

/// <summary>An analyzer that registers nothing: the baseline cost of running analyzers at all.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Descriptor = new("EMPTY001", "Empty", "Empty", "Empty", DiagnosticSeverity.Hidden, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptor);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
    }
}

/// <summary>
/// The cost of ConvAnalyzers' analyzers on one compilation: GetDiagnostics() without analyzers, with an empty analyzer
/// (baseline), and with ours; ours asserts the expected diagnostic count, so the benchmark proves they ran.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private int _expected;

    [Params(1000, 5000)]
    public int Files { get; set; }

    [Params(true, false)]
    public bool TorchSharp { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _compilation = SyntheticSolution.Create(SyntheticSolution.Files(Files), TorchSharp);
        _expected = Count(_compilation);
    }

    private static int Count(Compilation compilation) =>
        compilation.WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .Count(d => d.Severity >= DiagnosticSeverity.Warning);

    /// <summary>Runs ConvAnalyzers' analyzers alone on a copy of <paramref name="compilation"/>; the count of their diagnostics.</summary>
    public static int Run(Compilation compilation) =>
        compilation.Clone().WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;

    [Benchmark(Baseline = true)]
    public int NoAnalyzers() => _compilation.Clone().GetDiagnostics().Length;

    [Benchmark]
    public int EmptyAnalyzer() => _compilation.Clone().WithAnalyzers([new EmptyAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

    [Benchmark]
    public int ConvAnalyzers()
    {
        var all = _compilation.Clone().WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        var found = all.Count(d => d.Id.StartsWith("CONV", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning);
        if (found != _expected || (TorchSharp && found == 0))
        {
            throw new InvalidOperationException($"expected {_expected} ConvAnalyzers diagnostics, got {found}");
        }

        return all.Length;
    }
}
