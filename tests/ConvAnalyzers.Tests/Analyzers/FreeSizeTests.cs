using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>CONV011: which sizes a network written with -1 in [InputShape] accepts, and the nearest ones when a size fails.</summary>
public sealed class FreeSizeTests
{
    private static async Task<IReadOnlyList<Diagnostic>> Diagnostics(string source)
    {
        var compilation = await TestCompilation.CreateAsync(TestMarkup.Strip(source), (AttributesGenerator.HintName, AttributesGenerator.Source));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return await compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public async Task A_UNet_with_four_pools_accepts_multiples_of_16()
    {
        var diagnostics = await Diagnostics(FreeSizeSources.UNet4);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var conv011 = Assert.Single(diagnostics, d => d.Id == "CONV011");
        Assert.Equal("accepts H = 16k (16…4096), W = 16k (16…4096) (each with the other free sizes at 16, the smallest size all of them accept); returns the input size for every accepted size", conv011.GetMessage());
    }

    [Fact]
    public async Task A_UNet_on_250_names_the_nearest_accepted_sizes()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.UNet(250, broken: false));
        Assert.Contains("(250 fails here; nearest accepted: 240, 256)", Assert.Single(diagnostics, d => d.Id == "CONV005").GetMessage());
        Assert.Contains("(250 fails here; nearest accepted: 240, 256)", Assert.Single(diagnostics, d => d.Id == "CONV010").GetMessage());
    }
}
