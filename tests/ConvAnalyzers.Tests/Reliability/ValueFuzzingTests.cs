using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.Tests.Reliability;

/// <summary>
/// Absurd and hostile layer arguments: seeded mutations of the numbers in layer calls (0, −1, int/long extremes,
/// huge tuples, wrong arity, doubles, null, nested ternaries, values only known at run time). No exception, and
/// every CONV001/CONV002 reported agrees with the arithmetic on the same layer.
/// CONV_FUZZ_CASES sets the count (default 5,000); CONV_FUZZ_SEED the seed.
/// </summary>
public sealed class ValueFuzzingTests
{
    private static readonly string[] Replacements =
    {
        "0", "-1", "1", "int.MinValue", "int.MaxValue", "long.MinValue", "long.MaxValue", "9223372036854775807L",
        "(1, 2, 3, 4, 5, 6, 7)", "(2, 3)", "(long.MaxValue, 1)", "2.5", "null", "true ? (false ? 1 : 2) : 3",
        "Environment.TickCount", "new long[] { }", "new long[] { 1, 2, 3, 4 }", "(int)2.9", "-(-3)", "3 * 1000000000000",
        "long.MaxValue + 1", "int.MaxValue * 2L", "1 / 0", "default",
    };

    private readonly ITestOutputHelper _output;

    public ValueFuzzingTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Mutated_arguments_never_crash_and_diagnostics_agree_with_the_arithmetic()
    {
        var seed = TypingSimulationTests.Seed();
        var cases = TypingSimulationTests.Count("CONV_FUZZ_CASES", 5000);
        var rng = new Random(seed);
        var corpus = RobustnessHarness.Corpus.Where(s => s.Contains("nn.", StringComparison.Ordinal)).ToList();
        var failures = new List<string>();
        var reported = 0;
        for (var n = 0; n < cases; n++)
        {
            var source = corpus[rng.Next(corpus.Count)];
            var root = CSharpSyntaxTree.ParseText(source).GetRoot();
            var numbers = root.DescendantNodes().OfType<LiteralExpressionSyntax>()
                .Where(l => l.IsKind(SyntaxKind.NumericLiteralExpression) && l.Ancestors().OfType<InvocationExpressionSyntax>().Any(i => i.Expression.ToString().Contains("nn.", StringComparison.Ordinal)))
                .ToList();
            if (numbers.Count == 0)
            {
                continue;
            }

            var mutated = source;
            foreach (var literal in Enumerable.Range(0, rng.Next(1, 4)).Select(_ => numbers[rng.Next(numbers.Count)]).Distinct().OrderByDescending(l => l.SpanStart))
            {
                mutated = mutated.Remove(literal.SpanStart, literal.Span.Length).Insert(literal.SpanStart, Replacements[rng.Next(Replacements.Length)]);
            }

            if (Environment.GetEnvironmentVariable("CONV_FUZZ_TRACE") is string trace)
            {
                // A stack overflow kills the test host with no xunit output: the trace file holds the program.
                File.WriteAllText(trace, $"case {n} (seed {seed}):\n{mutated}");
            }

            var run = await RobustnessHarness.AnalyzeAsync(mutated, withGenerator: n % 5 == 0);
            if (run.Exceptions.Count > 0)
            {
                failures.Add($"case {n} (seed {seed}): {run.Exceptions[0]}\n{mutated}");
                continue;
            }

            foreach (var diagnostic in run.Analyzer.Where(d => d.Id is "CONV001" or "CONV002" && d.Location.SourceTree?.FilePath == "Program.cs"))
            {
                reported++;
                if (!AgreesWithArithmetic(run.Compilation, diagnostic))
                {
                    failures.Add($"case {n} (seed {seed}): {diagnostic} has no matching rule in the arithmetic\n{mutated}");
                }
            }
        }

        _output.WriteLine($"value fuzzing: seed {seed}, {cases} mutated programs, {reported} CONV001/CONV002 checked, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));
        Assert.True(reported > cases / 10, $"only {reported} diagnostics: the mutations no longer reach the analyzer");
    }

    /// <summary>
    /// The layer call the diagnostic sits in breaks a rule with that ID, as the arithmetic sees it, with the geometry
    /// the interpreter builds for that call (one of them, when the call is built with several: an unrolled loop's
    /// iteration that breaks a rule fails the program; which ways run for certain is the analyzer tests' markup).
    /// </summary>
    private static bool AgreesWithArithmetic(Compilation compilation, Diagnostic diagnostic)
    {
        var tree = diagnostic.Location.SourceTree!;
        var built = InterpretedLayers.In(compilation, tree);
        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        foreach (var invocation in node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (built.TryGetValue(invocation, out var sites) && sites.Select(s => s.Geometry).OfType<LayerGeometry>().ToList() is { Count: > 0 } geometries)
            {
                // The network analyzer's CONV002s are the input-dependent rules (named per input).
                var message = diagnostic.GetMessage();
                if (message.StartsWith("for input ", StringComparison.Ordinal))
                {
                    return new[] { Rule.ArithmeticOverflow, Rule.PaddingModeExceedsInput, Rule.OutputSizeOutOfRange }
                        .Any(r => message.Contains(RuleInfo.Of(r) switch { _ when r == Rule.ArithmeticOverflow => "overflows a 64-bit integer", _ when r == Rule.OutputSizeOutOfRange => "valid sizes range from", _ => "Padding" }, StringComparison.Ordinal));
                }

                return geometries.Any(g => ShapeAlgebra.Validate(g, OutputPaddingSemantics.TorchSharpForward)
                    .Concat(ShapeAlgebra.Validate(g, OutputPaddingSemantics.PerDimension))
                    .Any(v => v.DiagnosticId == diagnostic.Id));
            }
        }

        // CONV002 for input-dependent rules comes from the network analyzer at the factory call.
        return diagnostic.Id == "CONV002";
    }
}
