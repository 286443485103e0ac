using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>
/// The real-idiom suite (tests/Shared/RealIdiomModels.cs) through both analyzers as a user's project sees it: a valid
/// model gets no Warning or Error, a buggy one exactly the diagnostic its markup names, where the markup puts it.
/// Traces (CONV000, CONV012) and Info (CONV008, CONV011) are not part of the markup. The libtorch tests run the same
/// sources in TorchSharp.
/// </summary>
public sealed class RealIdiomAnalyzerTests
{
    public static TheoryData<string> Models() => new(RealIdiomModels.All.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(Models))]
    public Task Reports_exactly_the_marked_diagnostic(string name) => KnownGaps.Check(name, () => Verify(name));

    private static Task Verify(string name)
    {
        var test = new BothAnalyzersTest { TestCode = RealIdiomModels.Get(name).Source };
        test.TestState.Sources.Add((AttributesGenerator.HintName, AttributesGenerator.Source));
        test.DisabledDiagnostics.AddRange(new[] { "CONV000", "CONV008", "CONV011", "CONV012" });
        return test.RunAsync();
    }

    [Fact]
    public void Every_buggy_model_marks_its_one_diagnostic()
    {
        foreach (var model in RealIdiomModels.All)
        {
            var marks = System.Text.RegularExpressions.Regex.Matches(model.Source, @"\{\|([A-Z]+[0-9]+):").Select(m => m.Groups[1].Value).ToList();
            Assert.True(model.Bug is null ? marks.Count == 0 : marks.Count == 1 && marks[0] == model.Bug, $"{model.Name}: bug {model.Bug ?? "none"}, markup {string.Join(",", marks)}");
        }
    }

    /// <summary>The network and the layer analyzer together, with the verifier's references (.NET 8 and TorchSharp).</summary>
    private sealed class BothAnalyzersTest : CSharpAnalyzerTest<NetworkAnalyzer, DefaultVerifier>
    {
        public BothAnalyzersTest()
        {
            ReferenceAssemblies = TestReferences.Net80;
            TestState.AdditionalReferences.Add(TestReferences.TorchSharp);
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => new DiagnosticAnalyzer[] { new NetworkAnalyzer(), new LayerAnalyzer() };
    }
}
