using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using ConvAnalyzers.Binding;
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
/// The floor under any analyzer that reads layer arguments through IOperation: it finds the layer factory calls as
/// ConvAnalyzers does (text, then syntax) and asks for their operations, which binds those statements again (the
/// compiler's own binding is not shared with semantic models), and does nothing else.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BindingFloorAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Descriptor = new("FLOOR001", "Floor", "Floor", "Floor", DiagnosticSeverity.Hidden, true);

    public static int Operations;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptor);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSemanticModelAction(model =>
        {
            foreach (var _ in ConvAnalyzers.Binding.CandidateInvocations.Find(model.SemanticModel, null, ConvAnalyzers.Binding.LayerTable.FactoryWords,
                i => ConvAnalyzers.Binding.CandidateInvocations.CalledName(i) is { } name && ConvAnalyzers.Binding.LayerTable.Factories.ContainsKey(name), model.CancellationToken))
            {
                Interlocked.Increment(ref Operations);
            }
        });
    }
}

/// <summary>
/// The cost of ConvAnalyzers' analyzers on one compilation: GetDiagnostics() without analyzers, with an empty analyzer
/// (baseline), and with ours; ours asserts the expected diagnostic count, so the benchmark proves they ran.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
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

    /// <summary>
    /// The time the analyzer driver measures inside each of ConvAnalyzers' analyzers (what <c>-p:ReportAnalyzer=true</c>
    /// prints in a build), median of <paramref name="runs"/>, beside the no-analyzer GetDiagnostics() time: a measure of
    /// our own cost that does not drown in the run-to-run noise of the whole compilation.
    /// </summary>
    public static void PrintExecutionTimes(int files, int runs)
    {
        var compilation = SyntheticSolution.Create(SyntheticSolution.Files(files), withTorchSharp: true);
        _ = compilation.GetDiagnostics();
        var baseline = new List<double>();
        var times = new Dictionary<string, List<double>>();
        for (var run = 0; run < runs; run++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            _ = compilation.Clone().GetDiagnostics();
            baseline.Add(watch.Elapsed.TotalMilliseconds);

            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new LayerAnalyzer(), new NetworkAnalyzer());
            var withAnalyzers = compilation.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
            _ = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            foreach (var analyzer in analyzers)
            {
                var info = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
                var name = analyzer.GetType().Name;
                (times.TryGetValue(name, out var list) ? list : times[name] = new List<double>()).Add(info.ExecutionTime.TotalMilliseconds);
            }
        }

        static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);
        var none = Median(baseline);
        Console.WriteLine($"{files} files with TorchSharp, median of {runs}: GetDiagnostics() without analyzers {none:F0} ms");
        foreach (var (name, list) in times)
        {
            Console.WriteLine($"  {name}: {Median(list):F0} ms in its callbacks ({Median(list) / none:P1} of the no-analyzer time)");
        }

        Console.WriteLine($"  both: {times.Values.Sum(Median):F0} ms ({times.Values.Sum(Median) / none:P1})");
    }

    /// <summary>
    /// The callback time of this build's analyzers and of those in <paramref name="otherAssembly"/> (another build of
    /// ConvAnalyzers.dll, loaded on its own), alternating run by run on the same compilation; each run listed.
    /// </summary>
    public static void PrintExecutionTimesAgainst(int files, int runs, string otherAssembly, bool concurrent = true)
    {
        var compilation = SyntheticSolution.Create(SyntheticSolution.Files(files), withTorchSharp: true);
        _ = compilation.GetDiagnostics();
        ImmutableArray<DiagnosticAnalyzer> Theirs() => AnalyzersOf(otherAssembly);

        long lastAllocated = 0;
        var lastSplit = string.Empty;
        var lastGc = string.Empty;
        double Time(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
        {
            var withAnalyzers = compilation.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: concurrent, logAnalyzerExecutionTime: true));
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var (gen0, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            _ = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            lastAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            lastGc = $"{GC.CollectionCount(0) - gen0} GCs ({GC.CollectionCount(2) - gen2} full), paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms";
            var times = analyzers.Select(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds).ToList();
            lastSplit = string.Join(" + ", times.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)));
            return times.Sum();
        }

        var ours = new List<double>();
        var theirs = new List<double>();
        var none = new List<double>();
        var oursBytes = new List<long>();
        var theirsBytes = new List<long>();
        string oursSplit = string.Empty, theirsSplit = string.Empty;
        for (var run = 0; run < runs; run++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            _ = compilation.Clone().GetDiagnostics();
            none.Add(watch.Elapsed.TotalMilliseconds);
            // Alternate which goes first, so neither always runs on a warmer process.
            if (run % 2 == 0)
            {
                ours.Add(Time(compilation, Ours()));
                oursBytes.Add(lastAllocated);
                oursSplit = lastSplit + "; " + lastGc;
                theirs.Add(Time(compilation, Theirs()));
                theirsBytes.Add(lastAllocated);
                theirsSplit = lastSplit + "; " + lastGc;
            }
            else
            {
                theirs.Add(Time(compilation, Theirs()));
                theirsBytes.Add(lastAllocated);
                theirsSplit = lastSplit + "; " + lastGc;
                ours.Add(Time(compilation, Ours()));
                oursBytes.Add(lastAllocated);
                oursSplit = lastSplit + "; " + lastGc;
            }

            Console.WriteLine($"  run {run + 1}: no analyzers {none[^1]:F0} ms; this build {ours[^1]:F0} ms (layer + network analyzer {oursSplit}); {Path.GetFileName(Path.GetDirectoryName(otherAssembly))}/{Path.GetFileName(otherAssembly)} {theirs[^1]:F0} ms ({theirsSplit}); ratio {ours[^1] / theirs[^1]:F2}; allocated by the whole analysis {oursBytes[^1] / 1e6:F0} MB vs {theirsBytes[^1] / 1e6:F0} MB");
        }

        static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);
        var ratios = ours.Zip(theirs, (a, b) => a / b).ToList();
        Console.WriteLine($"{files} files with TorchSharp, {runs} alternating runs{(concurrent ? string.Empty : ", analyzers run sequentially")}, medians: no analyzers {Median(none):F0} ms; this build {Median(ours):F0} ms ({Median(ours) / Median(none):P1}); "
            + $"the other {Median(theirs):F0} ms ({Median(theirs) / Median(none):P1}); ratio of the runs' ratios {Median(ratios):F2} (min {ratios.Min():F2}, max {ratios.Max():F2})");
    }

    /// <summary>This build's LayerAnalyzer and NetworkAnalyzer.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Ours() => ImmutableArray.Create<DiagnosticAnalyzer>(new LayerAnalyzer(), new NetworkAnalyzer());

    /// <summary>New instances of LayerAnalyzer and NetworkAnalyzer from another build's ConvAnalyzers.dll (loaded once, on its own).</summary>
    public static ImmutableArray<DiagnosticAnalyzer> AnalyzersOf(string assembly)
    {
        var path = Path.GetFullPath(assembly);
        var other = Loaded.GetOrAdd(path, p => new IsolatedContext(p).LoadFromAssemblyPath(p));
        return other.GetTypes()
            .Where(t => t.Name is "LayerAnalyzer" or "NetworkAnalyzer" && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)).OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Reflection.Assembly> Loaded = new();

    /// <summary>Loads another build of ConvAnalyzers.dll beside this one; Roslyn and everything else come from this process.</summary>
    private sealed class IsolatedContext(string path) : System.Runtime.Loader.AssemblyLoadContext(isCollectible: false)
    {
        protected override System.Reflection.Assembly? Load(System.Reflection.AssemblyName name) =>
            name.Name == "ConvAnalyzers" ? LoadFromAssemblyPath(path) : null;
    }

    /// <summary>Runs ConvAnalyzers' analyzers alone on a copy of <paramref name="compilation"/>; the count of their diagnostics.</summary>
    public static int Run(Compilation compilation, bool concurrent = true) => Run(compilation, Ours(), concurrent);

    /// <summary>Runs <paramref name="analyzers"/> alone on a copy of <paramref name="compilation"/>; the count of their diagnostics.</summary>
    public static int Run(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, bool concurrent = true) =>
        compilation.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: concurrent, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;

    [Benchmark(Baseline = true)]
    public int NoAnalyzers() => _compilation.Clone().GetDiagnostics().Length;

    [Benchmark]
    public int EmptyAnalyzer() => _compilation.Clone().WithAnalyzers([new EmptyAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

    [Benchmark]
    public int BindingFloor() => _compilation.Clone().WithAnalyzers([new BindingFloorAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

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
