using ConvAnalyzers.Tests.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvAnalyzers.Tests.Generators;

/// <summary>
/// Encoders built the way real TorchSharp code builds them (parameterised block classes, helper methods, stages added
/// in a loop over a channel array, a <c>x.flatten(1)</c> head) get their decoders from the interpreter's run of the
/// encoder. The sources live in Generators/Encoders as text, so that the libtorch tests compile and run the same ones.
/// </summary>
public sealed class BuiltEncoderGeneratorTests
{
    public static string EncodersDirectory => Path.Combine(AnalyzerHygieneTests.RepositoryRoot(), "tests/ConvAnalyzers.Tests/Generators/Encoders");

    public static TheoryData<string> Cases() => new(Directory.GetFiles(EncodersDirectory, "*.cs.txt").Select(f => Path.GetFileName(f)[..^".cs.txt".Length]).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generated_code_matches_the_snapshot_and_compiles(string name)
    {
        var source = File.ReadAllText(Path.Combine(EncodersDirectory, name + ".cs.txt"));
        var (result, output) = await MirrorDecoderGeneratorTests.RunAsync(source);
        Assert.Empty(result.Diagnostics);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var generated = Assert.Single(result.GeneratedTrees);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        MirrorDecoderGeneratorTests.AssertSnapshot(name, generated.GetText().ToString());
    }
}
