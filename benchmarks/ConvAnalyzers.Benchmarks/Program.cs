using BenchmarkDotNet.Running;
using ConvAnalyzers.Benchmarks;
using ConvAnalyzers.Generators;

if (args.Length == 3 && args[0] == "write-solution")
{
    // eng/build-ratio.sh: the synthetic solution as files of a project.
    var directory = Directory.CreateDirectory(args[1]).FullName;
    foreach (var tree in SyntheticSolution.Files(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)).Skip(1))
    {
        File.WriteAllText(Path.Combine(directory, tree.FilePath), tree.ToString());
    }

    File.WriteAllText(Path.Combine(directory, "Usings.cs"), "global using System; global using System.Collections.Generic; global using System.Linq; global using TorchSharp; global using static TorchSharp.torch;\n");
    File.WriteAllText(Path.Combine(directory, "Attributes.cs.txt"), AttributesGenerator.Source);
    return;
}

if (args.Length is 3 or 4 or 5 && args[0] == "profile-analyzers")
{
    // For a profiler (dotnet-trace collect -- <this> profile-analyzers <files> <runs> [sequential|concurrent] [ConvAnalyzers.dll]):
    // ConvAnalyzers on the synthetic solution with TorchSharp, run repeatedly so that the analyzers dominate the trace.
    // A fifth argument profiles the analyzers of another build (its ConvAnalyzers.dll) the same way.
    var compilation = SyntheticSolution.Create(SyntheticSolution.Files(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)), withTorchSharp: true);
    _ = compilation.GetDiagnostics();
    var analyzers = args.Length == 5 ? AnalyzerBenchmarks.AnalyzersOf(args[4]) : AnalyzerBenchmarks.Ours();
    for (var run = 0; run < int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture); run++)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var found = AnalyzerBenchmarks.Run(compilation, analyzers, concurrent: args.Length == 3 || args[3] != "sequential");
        Console.WriteLine($"run {run}: {found} diagnostics, {watch.ElapsedMilliseconds} ms");
    }

    return;
}

if (args.Length == 2 && args[0] == "profile-cpu")
{
    // The CPU a profile of profile-analyzers shows for the analyzers: their callbacks and the driver's work for them.
    ConvAnalyzers.Benchmarks.ProfileCpu.Print(args[1]);
    return;
}

if (args.Length == 2 && args[0] == "free-sizes-each")
{
    // Each network of the CONV011 set alone, on this thread: the time of its runs (concrete analysis and sweep), the
    // forward runs of the sweep and the sizes judged by replaying a trace.
    var networks = ConvAnalyzers.TestSources.FreeSizeSources.All.SelectMany(n => new[] { (Name: n.Key, Source: n.Value), (Name: n.Key + " (64)", Source: SyntheticSolution.Concrete(n.Value)) }).ToList();
    // The whole list twice, the first time as warm-up (unoptimised code at first): only the second is printed.
    foreach (var (name, free, print) in networks.Select(n => (n.Name, n.Source, false)).Concat(networks.Select(n => (n.Name, n.Source, true))))
    {
        var source = free;
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest), "Free.cs");
        var compilation = SyntheticSolution.Create(SyntheticSolution.Files(0).Append(tree).ToList(), withTorchSharp: true);
        _ = compilation.GetDiagnostics();
        var times = new List<double>();
        var cpus = new List<double>();
        long allocated = 0;
        var totals = new ConvAnalyzers.Analyzers.FreeSizeSweep.SizeJudgeTotals();
        // The timed runs count nothing; one more run afterwards counts the runs and replays (and times its matching).
        for (var run = 0; run <= int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture); run++)
        {
            var counted = run == int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            if (counted)
            {
                totals = new ConvAnalyzers.Analyzers.FreeSizeSweep.SizeJudgeTotals();
                ConvAnalyzers.Analyzers.FreeSizeSweep.SizeJudge.Totals = totals;
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var library = ConvAnalyzers.Binding.TorchLibrary.Create(compilation)!;
            var runs = new ConvAnalyzers.Analyzers.NetworkRuns(compilation, library, ConvAnalyzers.Binding.ShapeAttributes.For(compilation), CancellationToken.None)
                .RunsOf(tree, compilation.GetSemanticModel(tree)).ToList();
            if (!counted)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
                cpus.Add((System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
                allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
            }

            ConvAnalyzers.Analyzers.FreeSizeSweep.SizeJudge.Totals = null;
        }

        if (!print)
        {
            continue;
        }

        Console.WriteLine($"{name,-32} fastest {times.Min(),7:F1} ms, median {times.OrderBy(t => t).ElementAt(times.Count / 2),7:F1} ms, process CPU median {cpus.OrderBy(t => t).ElementAt(cpus.Count / 2),7:F1} ms, allocated {allocated / 1024.0,8:F0} KB; {totals.Runs} forward runs, {totals.Replays} sizes replayed, {totals.Steps} steps kept, {totals.Tries} traces tried ({totals.MatchTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms matching), {totals.Broken.Count} broken traces{(totals.Broken.Count > 0 ? ": " + totals.Broken[0].Split('\n')[0] : string.Empty)}");
    }

    return;
}

if (args.Length == 2 && args[0] == "profile-free-sizes")
{
    // For a profiler: the CONV011 set alone (the free-size sweeps), run repeatedly.
    var compilation = SyntheticSolution.Create(SyntheticSolution.Files(0).Concat(SyntheticSolution.FreeSizeNetworks.Select((s, i) =>
        Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText($"namespace F{i} {{\n{s.Replace("using ", "// using ")}\n}}", new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest), $"Free{i}.cs"))), withTorchSharp: true);
    _ = compilation.GetDiagnostics();
    for (var run = 0; run < int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture); run++)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var found = AnalyzerBenchmarks.Run(compilation, concurrent: false);
        Console.WriteLine($"run {run}: {found} diagnostics, {watch.ElapsedMilliseconds} ms");
    }

    return;
}

if (args.Length == 2 && args[0] == "free-sizes-check")
{
    // The three solutions of free-sizes-cost: compiler errors and what the analyzers report, per ID.
    foreach (var (name, trees) in new[] { ("without", SyntheticSolution.Files(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture))),
        ("with", SyntheticSolution.Files(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), freeSizes: true)),
        ("at size 64", SyntheticSolution.Files(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), freeSizes: true, concrete: true)) })
    {
        var compilation = SyntheticSolution.Create(trees, withTorchSharp: true);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        var found = Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerExtensions.WithAnalyzers(compilation,
            [new ConvAnalyzers.Analyzers.LayerAnalyzer(), new ConvAnalyzers.Analyzers.NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Console.WriteLine($"{name}: {errors.Count} compiler errors{(errors.Count > 0 ? " (" + errors[0] + ")" : string.Empty)}; analyzers: "
            + string.Join(", ", found.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
    }

    return;
}

if (args.Length == 3 && args[0] == "free-sizes-added")
{
    // The free-size issue's budget: the synthetic solution with the CONV011 set added against the same without it.
    FreeSizeBenchmarks.PrintSetAdded(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length == 3 && args[0] == "free-sizes-cost")
{
    // The CONV011 set's cost: the analyzers' callback time on the synthetic solution with and without free-size networks.
    FreeSizeBenchmarks.PrintCost(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length is 4 or 5 && args[0] == "execution-times-vs")
{
    // The analyzers of this build against those of another build (its ConvAnalyzers.dll), alternating on one
    // synthetic compilation, so that both see the same machine noise: eng/benchmarks.sh compares to the commit
    // before the interpreter this way. A fifth argument "sequential" runs the analyzers without concurrency:
    // steadier callback times, with no waiting on the other thread counted in them.
    AnalyzerBenchmarks.PrintExecutionTimesAgainst(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3],
        concurrent: args.Length == 4 || args[4] != "sequential");
    return;
}

if (args.Length == 3 && args[0] == "execution-times")
{
    AnalyzerBenchmarks.PrintExecutionTimes(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && !args[0].StartsWith('-'))
{
    // A mode above with the wrong arguments: say so, rather than let BenchmarkDotNet wait for a choice on stdin.
    Console.Error.WriteLine($"unknown mode or arguments: {string.Join(' ', args)}");
    Environment.ExitCode = 2;
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AnalyzerBenchmarks).Assembly).Run(args);
