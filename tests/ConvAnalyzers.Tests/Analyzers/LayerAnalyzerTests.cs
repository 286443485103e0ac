using ConvAnalyzers.TestSources;
using Xunit;
using VerifyCS = ConvAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ConvAnalyzers.Analyzers.LayerAnalyzer>;

namespace ConvAnalyzers.Tests.Analyzers;

public sealed class LayerAnalyzerTests
{
    public static TheoryData<string> Cases() => new(LayerAnalyzerSources.All.Keys);

    /// <summary>Every shared source (tests/Shared): the diagnostics and their locations are the markup in the source.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public Task Reports_exactly_the_marked_diagnostics(string name) => VerifyCS.VerifyAnalyzerAsync(LayerAnalyzerSources.All[name]);

    [Fact]
    public Task No_TorchSharp_reference_means_no_actions()
    {
        var test = new VerifyCS.Test { TestCode = "class nn { public static object ConvTranspose2d(long a, long b, long k, long stride = 1, long output_padding = 0) => null; object x = ConvTranspose2d(1, 1, 2, 2, 2); }" };
        test.TestState.AdditionalReferences.Clear();
        return test.RunAsync();
    }

}
