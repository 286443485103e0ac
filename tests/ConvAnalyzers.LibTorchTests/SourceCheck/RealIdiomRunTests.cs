using System.Text;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// The real-idiom suite (tests/Shared/RealIdiomModels.cs) run in TorchSharp with every layer call recorded, and the
/// analyzer's reading of the same source checked against it. The analyzer's side of the contract:
/// CONV000 at each layer call site's invocation span, one per site, with <c>Properties["shapes"]</c> =
/// <c>contextKey|input|output</c> entries separated by ';' (dims comma-separated, <c>?</c> unknown, a name such as
/// <c>N</c> for a symbolic batch); the context key is the layer's <c>named_modules()</c> key relative to the root
/// (for a functional call, the key of the module it runs in; "" is the root). Every layer diagnostic
/// (CONV003/004/005/006/012) carries <c>Properties["layer"] = "start:length"</c>, the layer call site's span.
/// </summary>
public sealed class RealIdiomRunTests
{
    /// <summary>The share of executed layer calls whose shapes the analyzer traces. It may only rise; the target is 0.95.</summary>
    private const double Floor = 0.97;

    private static readonly HashSet<string> RaisedHidden = new() { "CONV000", "CONV012" };

    private readonly ITestOutputHelper _output;

    public RealIdiomRunTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Models() => new(RealIdiomModels.All.Select(m => m.Name));

    [Fact]
    public void Suite_covers_every_idiom_in_a_valid_and_a_buggy_model()
    {
        Assert.True(RealIdiomModels.All.Count >= 44, $"{RealIdiomModels.All.Count} models");
        Assert.Equal(RealIdiomModels.All.Count, RealIdiomModels.All.Select(m => m.Name).Distinct().Count());
        var missing = new List<string>();
        foreach (var tag in RealIdiomModels.IdiomTags)
        {
            if (!RealIdiomModels.All.Any(m => m.Bug is null && m.Tags.Contains(tag)))
            {
                missing.Add(tag + " (valid)");
            }

            if (!RealIdiomModels.All.Any(m => m.Bug is not null && m.Tags.Contains(tag)))
            {
                missing.Add(tag + " (buggy)");
            }
        }

        var unknown = RealIdiomModels.All.SelectMany(m => m.Tags.Where(t => !RealIdiomModels.IdiomTags.Contains(t)).Select(t => $"{m.Name}: {t}"));
        Assert.True(missing.Count == 0, "idioms without a model: " + string.Join(", ", missing));
        Assert.Empty(unknown);
    }

    /// <summary>The TorchSharp side alone: a valid model runs, a buggy one fails the way its bug says.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public async Task Runs_in_TorchSharp_as_the_model_intends(string name)
    {
        var run = await RealIdiomHarness.RunAsync(RealIdiomModels.Get(name));
        var failures = new List<string>();
        if (run.Records.Count == 0 && run.FailedAt is null)
        {
            failures.Add("no layer call was recorded");
        }

        foreach (var (site, shape) in run.Records.Where(r => r.Shape.ContextKey == RealIdiomHarness.UnknownKey).DistinctBy(r => r.Site))
        {
            failures.Add($"{run.Describe(site)} ran in a module that named_modules() of no root reaches (register it)");
        }

        if (run.RootCalls.Count == 0 && run.Error is null)
        {
            failures.Add("Program.Run() called no root module's forward");
        }

        var bug = run.Model.Bug;
        if (bug is null)
        {
            if (run.Error is not null)
            {
                failures.Add($"valid model fails in TorchSharp{At(run)}: {run.Error}");
            }

            foreach (var (root, _, output) in run.RootCalls)
            {
                if (RealIdiomHarness.DeclaredOutput(root) is { } declared && !Fits(output, declared))
                {
                    failures.Add($"{root.Name} returns [{RealIdiomHarness.Dims(output)}], [OutputShape] says [{RealIdiomHarness.Dims(declared)}]");
                }
            }
        }
        else
        {
            if (run.Marked is null)
            {
                failures.Add("buggy model without markup");
            }

            switch (bug)
            {
                case "CONV003" when run.Error is null && run.SiteAt(run.Marked!.Value) is { } emptySite:
                    // A ConvTranspose whose output size is 0 returns an empty tensor on CPU instead of throwing.
                    if (!run.Records.Any(r => r.Site == emptySite && r.Shape.Output.Split(',').Contains("0")))
                    {
                        failures.Add($"CONV003: TorchSharp runs and {run.Describe(emptySite)} never returns an empty tensor");
                    }

                    break;
                case "CONV003" or "CONV004" or "CONV006":
                    if (run.FailedAt is not { } failed)
                    {
                        failures.Add($"{bug}: TorchSharp should fail inside a layer, but {(run.Error is null ? "runs" : "fails outside any layer: " + run.Error)}");
                    }
                    else if (run.SiteAt(run.Marked!.Value) is { } markedSite && markedSite != failed.Site)
                    {
                        failures.Add($"{bug} is marked on {run.Describe(markedSite)}, TorchSharp fails at {run.Describe(failed.Site)}: {run.Error}");
                    }

                    break;
                case "CONV010":
                    if (run.Error is null || run.FailedAt is not null
                        || !(run.Error.Contains("Sizes of tensors must match", StringComparison.Ordinal) || run.Error.Contains("must match the size of tensor", StringComparison.Ordinal)))
                    {
                        failures.Add($"CONV010: TorchSharp should fail joining tensors, but {(run.Error is null ? "runs" : "fails" + At(run) + ": " + run.Error)}");
                    }

                    break;
                case "CONV005":
                    if (run.Error is not null)
                    {
                        failures.Add($"CONV005: TorchSharp should run, but fails{At(run)}: {run.Error}");
                    }
                    else if (!run.RootCalls.Any(c => !c.Output.SequenceEqual(c.Input)))
                    {
                        failures.Add("CONV005: every root returns its input's shape");
                    }

                    break;
                case "CONV009":
                    if (run.Error is not null)
                    {
                        failures.Add($"CONV009: TorchSharp should run, but fails{At(run)}: {run.Error}");
                    }
                    else if (!run.RootCalls.Any(c => RealIdiomHarness.DeclaredOutput(c.Root) is { } declared && !Fits(c.Output, declared)))
                    {
                        failures.Add("CONV009: every root returns its [OutputShape]");
                    }

                    break;
                default:
                    failures.Add($"no TorchSharp check for {bug}");
                    break;
            }
        }

        _output.WriteLine(run.Error is null
            ? "TorchSharp runs: " + string.Join("; ", run.RootCalls.Select(c => $"{c.Root.Name} [{RealIdiomHarness.Dims(c.Input)}] -> [{RealIdiomHarness.Dims(c.Output)}]"))
            : $"TorchSharp fails{At(run)}: {run.Error}");
        _output.WriteLine($"{run.Records.Count} layer calls recorded at {run.Records.Select(r => r.Site).Distinct().Count()} of {run.Sites.Count} sites");
        foreach (var warning in run.CompilerWarnings)
        {
            _output.WriteLine("compiler: " + warning);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>(a) every CONV000 entry is what TorchSharp executed; (b) a buggy model gets exactly its diagnostic, at
    /// the layer TorchSharp fails in; (c) a valid model gets no Warning or Error.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public Task Analyzer_agrees_with_TorchSharp(string name) => ConvAnalyzers.TestSources.KnownGaps.CheckTorchSharp(name, () => Analyzer_agrees_with_TorchSharpChecked(name));

    private async Task Analyzer_agrees_with_TorchSharpChecked(string name)
    {
        var run = await RealIdiomHarness.RunAsync(RealIdiomModels.Get(name));
        var failures = new List<string>();
        var reported = run.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && !RaisedHidden.Contains(d.Id)).ToList();
        if (run.Model.Bug is null)
        {
            failures.AddRange(reported.Select(d => $"valid model gets {Describe(d)}"));
        }
        else
        {
            var expected = reported.Where(d => d.Id == run.Model.Bug && d.Location.SourceSpan == run.Marked && d.Location.SourceTree?.FilePath == "Model.cs").ToList();
            if (expected.Count != 1)
            {
                failures.Add($"expected exactly one {run.Model.Bug} at {run.Marked} `{Text(run, run.Marked!.Value)}`, got {expected.Count}");
            }

            failures.AddRange(reported.Except(expected).Select(d => "unexpected " + Describe(d)));
            if (run.Model.Bug is "CONV003" or "CONV004" or "CONV006" && expected.Count == 1 && run.FailedAt is { } failed)
            {
                var layer = LayerSpan(expected[0]);
                if (layer != run.Sites[failed.Site].Span)
                {
                    failures.Add($"{run.Model.Bug} names layer {(layer is null ? "none (no Properties[\"layer\"])" : $"{layer} `{Text(run, layer.Value)}`")}, TorchSharp fails at {run.Describe(failed.Site)}");
                }
            }
        }

        foreach (var problem in CheckTraces(run).Problems)
        {
            failures.Add(problem);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>(d) reach: how many of the layer calls TorchSharp executed the analyzer traces exactly.</summary>
    [Fact]
    public async Task Reach_over_the_suite()
    {
        var traced = 0;
        var executed = 0;
        var report = new StringBuilder();
        foreach (var model in RealIdiomModels.All)
        {
            var run = await RealIdiomHarness.RunAsync(model);
            var check = CheckTraces(run);
            traced += check.Traced;
            executed += check.Executed;
            report.AppendLine($"  {model.Name}: {check.Traced}/{check.Executed}");
            foreach (var untraced in check.Untraced)
            {
                report.AppendLine("    " + untraced);
            }
        }

        var reach = executed == 0 ? 0 : (double)traced / executed;
        var summary = $"reach: {traced}/{executed} layer calls traced ({reach:P1}; floor {Floor:P0})";
        _output.WriteLine(summary);
        _output.WriteLine(report.ToString());
        Assert.True(executed > 0, "TorchSharp executed no layer call");
        Assert.True(reach >= Floor, summary + "\n" + report);
    }

    private sealed record TraceCheck(int Traced, int Executed, List<string> Problems, List<string> Untraced);

    private static TraceCheck CheckTraces(RealIdiomRun run)
    {
        var problems = new List<string>();
        var entries = new Dictionary<int, List<SiteShape>>();
        foreach (var trace in run.Diagnostics.Where(d => d.Id == "CONV000"))
        {
            var site = trace.Location.SourceTree?.FilePath == "Model.cs" ? run.SiteAt(trace.Location.SourceSpan) : null;
            if (site is null)
            {
                problems.Add($"CONV000 not at a layer call site: {Describe(trace)}");
                continue;
            }

            if (entries.ContainsKey(site.Value))
            {
                problems.Add($"more than one CONV000 at {run.Describe(site.Value)}");
                continue;
            }

            if (!trace.Properties.TryGetValue("shapes", out var shapes) || shapes is null)
            {
                problems.Add($"CONV000 at {run.Describe(site.Value)} has no Properties[\"shapes\"]");
                continue;
            }

            var parsed = new List<SiteShape>();
            foreach (var entry in shapes.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = entry.Split('|');
                if (parts.Length != 3)
                {
                    problems.Add($"CONV000 at {run.Describe(site.Value)}: malformed entry `{entry}`");
                    continue;
                }

                parsed.Add(new SiteShape(parts[0], parts[1], parts[2]));
            }

            entries[site.Value] = parsed;
            var records = run.Records.Where(r => r.Site == site.Value).Select(r => r.Shape).ToList();
            foreach (var entry in parsed)
            {
                if (!records.Any(r => Consistent(entry, r)))
                {
                    problems.Add($"CONV000 at {run.Describe(site.Value)} says {entry.ContextKey}|{entry.Input}|{entry.Output}, TorchSharp ran "
                        + (records.Count == 0 ? "nothing there" : string.Join("; ", records.Distinct().Select(r => $"{r.ContextKey}|{r.Input}|{r.Output}"))));
                }
            }
        }

        var executed = run.Records.Select(r => (r.Site, r.Shape.ContextKey, r.Shape.Input)).Distinct().ToList();
        var traced = 0;
        var untraced = new List<string>();
        foreach (var (site, key, input) in executed)
        {
            var shapes = run.Records.Where(r => r.Site == site && r.Shape.ContextKey == key && r.Shape.Input == input).Select(r => r.Shape).ToList();
            if (entries.TryGetValue(site, out var predicted) && predicted.Any(p => shapes.Any(s => Consistent(p, s) && Exact(p))))
            {
                traced++;
                continue;
            }

            var why = run.Diagnostics.Where(d => d.Id == "CONV012" && d.Location.SourceSpan == run.Sites[site].Span).Select(d => d.GetMessage()).FirstOrDefault();
            untraced.Add($"{run.Describe(site)} in `{key}` on [{input}]: {why ?? "no CONV000 entry, no CONV012"}");
        }

        return new TraceCheck(traced, executed.Count, problems, untraced);
    }

    /// <summary>Same context and rank; known dims equal. A symbol or <c>?</c> matches any batch (dim 0); elsewhere it
    /// only makes the entry untraced.</summary>
    private static bool Consistent(SiteShape predicted, SiteShape actual) =>
        predicted.ContextKey == actual.ContextKey && DimsConsistent(predicted.Input, actual.Input) && DimsConsistent(predicted.Output, actual.Output);

    private static bool DimsConsistent(string predicted, string actual)
    {
        var p = predicted.Split(',');
        var a = actual.Split(',');
        return p.Length == a.Length && p.Zip(a).All(d => !long.TryParse(d.First, out var known) || d.Second == known.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool Exact(SiteShape predicted) =>
        predicted.Input.Split(',').Skip(1).All(d => long.TryParse(d, out _)) && predicted.Output.Split(',').Skip(1).All(d => long.TryParse(d, out _));

    private static bool Fits(long[] output, long[] declared) =>
        output.Length == declared.Length && output.Zip(declared).All(p => p.Second == -1 || p.First == p.Second);

    private static TextSpan? LayerSpan(Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue("layer", out var layer) || layer is null)
        {
            return null;
        }

        var parts = layer.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], out var start) && int.TryParse(parts[1], out var length) ? new TextSpan(start, length) : null;
    }

    private static string At(RealIdiomRun run) => run.FailedAt is { } failed ? $" at {run.Describe(failed.Site)} in `{failed.Shape.ContextKey}` on [{failed.Shape.Input}]" : string.Empty;

    private static string Text(RealIdiomRun run, TextSpan span) => run.Source.Substring(span.Start, span.Length);

    private static string Describe(Diagnostic diagnostic) => $"{diagnostic.Id} {diagnostic.Severity} at {diagnostic.Location.GetLineSpan()}: {diagnostic.GetMessage()}";
}
