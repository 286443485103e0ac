using ConvAnalyzers.Tests.Analyzers;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ConvAnalyzers.Tests.Reliability;

/// <summary>
/// Budgets (DESIGN.md §3): deep and unbounded recursion, long and unbounded loops, networks of thousands of layers,
/// huge constants and half-typed code. The interpreter turns what exceeds a budget into unknown: every case finishes
/// (within a generous limit, so that a hang fails instead of blocking CI; speed is the benchmarks' business), throws
/// nothing, reports no Warning or Error but a real finding the case allows, and claims no whole shape for a layer
/// after a loop it could not finish.
/// </summary>
public sealed class BudgetTests
{
    public static TheoryData<string> Cases() => new(PrecisionSources.Budgets.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Finishes_without_an_exception_or_a_guess(string name) => ConvAnalyzers.TestSources.KnownGaps.Check(name, () => Finishes_without_an_exception_or_a_guessChecked(name));

    private async Task Finishes_without_an_exception_or_a_guessChecked(string name)
    {
        var @case = PrecisionSources.Budgets[name];
        var run = await PrecisionAnalysis.RunAsync(@case.Source);
        run.AssertNoExceptionOrWarning(@case.Allowed.ToHashSet());
        run.AssertNoWholeShapeWhereUnknowable();
    }

    /// <summary>Code as it is typed, from the precision regressions: each semicolon or closing brace missing in turn
    /// (the same program with a syntax error: no Warning or Error the complete program does not get), and the file cut
    /// at evenly spaced points (a different program: only no exception).</summary>
    public static TheoryData<string> IncompleteCases() => new(PrecisionSources.Traced.Keys);

    [Theory]
    [MemberData(nameof(IncompleteCases))]
    public async Task Incomplete_code_finishes_without_an_exception(string name)
    {
        var source = PrecisionSources.Traced[name].Source;
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToList();
        // What the complete program gets is the precision tests' business (it must be nothing); here a missing token
        // must not add a finding of its own.
        var complete = (await PrecisionAnalysis.RunAsync(source)).Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id).ToHashSet();
        var failures = new List<string>();
        foreach (var token in tokens.Where(t => t.IsKind(SyntaxKind.SemicolonToken) || t.IsKind(SyntaxKind.CloseBraceToken)))
        {
            var edited = source.Remove(token.SpanStart, token.Span.Length);
            var run = await PrecisionAnalysis.RunAsync(edited);
            var loud = run.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && !complete.Contains(d.Id)).Select(d => d.Id + ": " + d.GetMessage()).ToList();
            if (run.Exceptions.Count > 0 || loud.Count > 0)
            {
                failures.Add($"'{token.Text}' removed at line {token.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {run.Exceptions.Concat(loud).First()}");
            }
        }

        const int Cuts = 8;
        for (var i = 1; i <= Cuts; i++)
        {
            var edited = source.Substring(0, source.Length * i / (Cuts + 1));
            var run = await PrecisionAnalysis.RunAsync(edited);
            if (run.Exceptions.Count > 0)
            {
                failures.Add($"cut after {edited.Length} characters: {run.Exceptions[0]}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} edited programs failed, the first:\n" + string.Join("\n\n", failures.Take(3)));
    }
}
