using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using ConvAnalyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.Benchmarks;

/// <summary>
/// The CONV011 network set: the synthetic solution with and without one free-size network (-1 in [InputShape]) in every
/// 200 files, so the cost of the sweep over 1..4096 shows against the solution's own.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class FreeSizeBenchmarks
{
    private CSharpCompilation _compilation = null!;

    [Params(1000)]
    public int Files { get; set; }

    [Params(false, true)]
    public bool FreeSizes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _compilation = SyntheticSolution.Create(SyntheticSolution.Files(Files, FreeSizes), withTorchSharp: true);
        if (FreeSizes && Count(_compilation, "CONV011") == 0)
        {
            throw new InvalidOperationException("the free-size networks gave no CONV011: the benchmark would not measure the sweep");
        }
    }

    private static int Count(Compilation compilation, string id) =>
        compilation.Clone().WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Count(d => d.Id == id);

    [Benchmark]
    public int Analyzers() => AnalyzerBenchmarks.Run(_compilation);

    /// <summary>
    /// The free-size issue's budget as written: our time (both analyzers' callbacks, sequential) on the synthetic solution
    /// of <paramref name="files"/> files with the CONV011 set added, against the same solution without it; alternating,
    /// each run listed, with the median of the per-run ratios.
    /// </summary>
    public static void PrintSetAdded(int files, int runs)
    {
        var without = SyntheticSolution.Create(SyntheticSolution.FilesWithFreeSizeSet(files, freeSizeSet: false), withTorchSharp: true);
        var with = SyntheticSolution.Create(SyntheticSolution.FilesWithFreeSizeSet(files, freeSizeSet: true), withTorchSharp: true);
        _ = without.GetDiagnostics();
        _ = with.GetDiagnostics();
        var found = 0;
        double Time(Compilation compilation) => CallbackTime(compilation, out found);

        _ = Time(with);
        if (found < SyntheticSolution.FreeSizeNetworks.Count)
        {
            throw new InvalidOperationException($"the CONV011 set gave {found} CONV011 for {SyntheticSolution.FreeSizeNetworks.Count} networks: the benchmark would not measure the sweep");
        }

        _ = Time(without);
        var a = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Alternate which goes first, so neither always runs on a warmer process.
            if (i % 2 == 0)
            {
                a.Add(Time(without));
                b.Add(Time(with));
            }
            else
            {
                b.Add(Time(with));
                a.Add(Time(without));
            }

            Console.WriteLine($"  run {i + 1}: without the set {a[^1]:F0} ms, with it {b[^1]:F0} ms, ratio {b[^1] / a[^1]:F2}");
        }

        static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);
        var ratios = a.Zip(b, (x, y) => y / x).ToList();
        Console.WriteLine($"{files} files + the CONV011 set ({SyntheticSolution.FreeSizeNetworks.Count} networks), {runs} alternating sequential runs, medians: without {Median(a):F0} ms, with {Median(b):F0} ms "
            + $"({Median(b) / Median(a):F3}x); median of the per-run ratios {Median(ratios):F3} (min {ratios.Min():F2}, max {ratios.Max():F2})");
    }

    /// <summary>
    /// Both analyzers' callback time (the driver's telemetry) on a copy of <paramref name="compilation"/>, sequential,
    /// starting on a collected heap so that a collection owed to the run before is not counted in this one.
    /// </summary>
    private static double CallbackTime(Compilation compilation, out int freeSizeAnswers)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new LayerAnalyzer(), new NetworkAnalyzer());
        var run = compilation.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        freeSizeAnswers = run.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Count(d => d.Id == "CONV011");
        return analyzers.Sum(a => run.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
    }

    /// <summary>Callback times of the analyzers with and without the free-size networks, alternating, median of <paramref name="runs"/>.</summary>
    public static void PrintCost(int files, int runs)
    {
        var without = SyntheticSolution.Create(SyntheticSolution.Files(files), withTorchSharp: true);
        var with = SyntheticSolution.Create(SyntheticSolution.Files(files, freeSizes: true), withTorchSharp: true);
        var concrete = SyntheticSolution.Create(SyntheticSolution.Files(files, freeSizes: true, concrete: true), withTorchSharp: true);
        _ = without.GetDiagnostics();
        _ = with.GetDiagnostics();
        _ = concrete.GetDiagnostics();
        double Time(Compilation compilation) => CallbackTime(compilation, out _);

        for (var i = 0; i < 4; i++)
        {
            // Warm-up, not counted: the first rounds run partly in unoptimised (tier-0) code.
            _ = Time(without) + Time(with) + Time(concrete);
        }

        var a = new List<double>();
        var b = new List<double>();
        var c = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // The order turns each round, so that no variant is always the first after a collection.
            for (var k = 0; k < 3; k++)
            {
                switch ((i + k) % 3)
                {
                    case 0:
                        a.Add(Time(without));
                        break;
                    case 1:
                        b.Add(Time(with));
                        break;
                    default:
                        c.Add(Time(concrete));
                        break;
                }
            }

            Console.WriteLine($"  run {i + 1}: without the free-size networks {a[^1]:F0} ms, with them {b[^1]:F0} ms, with them at size 64 {c[^1]:F0} ms");
        }

        static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);
        Console.WriteLine($"{files} files, {runs} alternating sequential runs, medians: without the free-size networks {Median(a):F0} ms, with them {Median(b):F0} ms ({Median(b) / Median(a):F2}x), "
            + $"with them at size 64 {Median(c):F0} ms (the sweep: {Median(b) / Median(c):F2}x)");
    }
}
