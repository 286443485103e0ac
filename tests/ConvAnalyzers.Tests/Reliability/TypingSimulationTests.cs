using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.Tests.Reliability;

/// <summary>
/// Code as it is typed: every test and sample source cut at seeded token boundaries or with one token deleted,
/// through both analyzers, the generator and (every fifth program) every code-fix provider on each diagnostic it
/// is offered. No exception, and the same diagnostics on a second run.
/// CONV_TYPING_CASES sets the count (default 2,000); CONV_FUZZ_SEED the seed ("random" picks and prints one).
/// </summary>
public sealed class TypingSimulationTests
{
    private readonly ITestOutputHelper _output;

    public TypingSimulationTests(ITestOutputHelper output) => _output = output;

    public static int Seed()
    {
        var text = Environment.GetEnvironmentVariable("CONV_FUZZ_SEED");
        return string.Equals(text, "random", StringComparison.OrdinalIgnoreCase) ? Random.Shared.Next() : int.TryParse(text, out var s) ? s : 20261125;
    }

    public static int Count(string variable, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) && n > 0 ? n : fallback;

    [Fact]
    public async Task Partial_programs_never_crash_and_are_deterministic()
    {
        var seed = Seed();
        var cases = Count("CONV_TYPING_CASES", 2000);
        var rng = new Random(seed);
        var corpus = RobustnessHarness.Corpus;
        var failures = new List<string>();
        var withDiagnostics = 0;
        var actions = 0;
        for (var n = 0; n < cases; n++)
        {
            var source = corpus[rng.Next(corpus.Count)];
            var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            var token = tokens[rng.Next(tokens.Count)];
            var edited = rng.Next(2) == 0
                ? source.Substring(0, token.Span.End)                                    // typed up to here
                : source.Remove(token.Span.Start, token.Span.Length);                    // one token deleted
            var first = await RobustnessHarness.AnalyzeAsync(edited, withGenerator: n % 4 == 0);
            var second = n % 10 == 0 ? await RobustnessHarness.AnalyzeAsync(edited, withGenerator: false) : null;
            var (fixExceptions, fixes) = n % 5 == 0 ? await CodeFixRobustness.ExerciseAsync(edited, first.Analyzer) : (new List<string>(), 0);
            actions += fixes;
            if (first.Exceptions.Count > 0 || fixExceptions.Count > 0)
            {
                failures.Add($"case {n} (seed {seed}): {first.Exceptions.Concat(fixExceptions).First()}\n{edited}");
            }
            else if (second is not null && !first.Diagnostics.SequenceEqual(second.Diagnostics))
            {
                failures.Add($"case {n} (seed {seed}): diagnostics differ between two runs\n{edited}");
            }

            withDiagnostics += first.Diagnostics.Count > 0 ? 1 : 0;
        }

        _output.WriteLine($"typing simulation: seed {seed}, {cases} edited programs, {withDiagnostics} with diagnostics, {actions} code actions computed, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));
        Assert.True(actions > 0, "no code action was ever offered: the fix providers were not exercised");
        Assert.True(withDiagnostics > cases / 10, $"only {withDiagnostics} programs had diagnostics: the suite would not notice an analyzer that does nothing");
    }
}
