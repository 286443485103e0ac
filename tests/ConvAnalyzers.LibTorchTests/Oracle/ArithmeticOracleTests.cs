using System.Text;
using ConvAnalyzers.Arithmetic;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.LibTorchTests.Oracle;

/// <summary>
/// The arithmetic against real TorchSharp: seeded random layers, each built and run on CPU libtorch.
/// CONV_ORACLE_CASES sets the case count (default 24,000); CONV_ORACLE_SEED a seed, or "random" for a fresh one
/// (printed, so that a failure can be replayed); CONV_ORACLE_TRACE a file that always holds the case being run.
/// </summary>
public sealed class ArithmeticOracleTests
{
    private const int DefaultSeed = 20261125;
    private const int DefaultCases = 24000;
    private const int MinimumHitsPerRule = 100;

    private readonly ITestOutputHelper _output;

    public ArithmeticOracleTests(ITestOutputHelper output) => _output = output;

    public static int Seed()
    {
        var text = Environment.GetEnvironmentVariable("CONV_ORACLE_SEED");
        if (string.Equals(text, "random", StringComparison.OrdinalIgnoreCase))
        {
            return Random.Shared.Next();
        }

        return int.TryParse(text, out var seed) ? seed : DefaultSeed;
    }

    public static int CaseCount() =>
        int.TryParse(Environment.GetEnvironmentVariable("CONV_ORACLE_CASES"), out var cases) && cases > 0 ? cases : DefaultCases;

    [Fact]
    public void Arithmetic_predicts_every_TorchSharp_outcome()
    {
        LibTorch.EnsureLoaded();
        var seed = Seed();
        var cases = CaseCount();
        var generator = new CaseGenerator(seed);
        var hits = Enum.GetValues<Rule>().ToDictionary(r => r, _ => 0);
        var shapes = 0;
        var failures = new List<string>();
        var trace = Environment.GetEnvironmentVariable("CONV_ORACLE_TRACE");
        for (var n = 0; n < cases; n++)
        {
            var c = generator.Next();
            if (trace is not null)
            {
                // A native abort kills the test host with no xunit output: the trace file names the last case.
                File.WriteAllText(trace, $"case #{n} (seed {seed}): {c}\n");
            }

            var verdict = OracleRunner.Run(c);
            if (!verdict.Agrees)
            {
                failures.Add($"case #{n} (seed {seed}): {c}\n  predicted: {verdict.Predicted}\n  TorchSharp: {verdict.Actual}");
            }
            else if (verdict.MatchedRule is Rule rule)
            {
                hits[rule]++;
            }
            else
            {
                shapes++;
            }
        }

        var report = new StringBuilder();
        report.AppendLine($"oracle: seed {seed}, {cases} TorchSharp cases, {shapes} exact shapes, {failures.Count} disagreements");
        foreach (var (rule, count) in hits)
        {
            report.AppendLine($"  {rule,-28} {count,6} hits");
        }

        _output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements with TorchSharp (seed {seed}):\n" + string.Join("\n", failures.Take(40)) + "\n" + report);
        var untested = hits.Where(h => h.Key != Rule.ArithmeticOverflow && h.Value < MinimumHitsPerRule * cases / DefaultCases).ToList();
        Assert.True(untested.Count == 0, "rules hit too rarely: " + string.Join(", ", untested.Select(h => $"{h.Key} {h.Value}")) + "\n" + report);
    }
}
