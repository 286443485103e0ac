using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvAnalyzers.Tests.Reliability;

/// <summary>False-positive guard: realistic models in the common styles get no Warning or Error.</summary>
public sealed class RealisticModelTests
{
    public static TheoryData<string> Models() => new(RealisticModels.All.Keys);

    [Fact]
    public void There_are_at_least_30_models() => Assert.True(RealisticModels.All.Count >= 30);

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Realistic_model_gets_no_warning_or_error(string name)
    {
        var run = await RobustnessHarness.AnalyzeAsync(RealisticModels.All[name].Source);
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.Analyzer.All(d => d.Severity < DiagnosticSeverity.Warning), string.Join("\n", run.Analyzer.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
    }
}
