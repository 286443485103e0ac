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
        Assert.Empty(await MirrorDecoderGeneratorTests.DiagnoseAsync(output));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var generated = Assert.Single(result.GeneratedTrees);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        MirrorDecoderGeneratorTests.AssertSnapshot(name, generated.GetText().ToString());
    }

    /// <summary>Two equal blocks on equal inputs are two layers of the flow, each with its own mirror (no summary stands in for the second).</summary>
    [Fact]
    public async Task Equal_blocks_on_equal_inputs_each_get_their_mirror()
    {
        var source = TestSources.GeneratorSources.Usings + """
            public sealed class Same : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv;
                public Same(long channels) : base(nameof(Same)) { conv = nn.Conv2d(channels, channels, 3, padding: 1); RegisterComponents(); }
                public override Tensor forward(Tensor x) => conv.forward(x);
            }

            [ConvAnalyzers.InputShape(1, 4, 8, 8)]
            public sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly Same a = new Same(4);
                private readonly Same b = new Same(4);
                private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
                public Encoder() : base(nameof(Encoder)) => RegisterComponents();
                public override Tensor forward(Tensor x) => pool.forward(b.forward(a.forward(x)));
            }

            [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
            public partial class Decoder { }
            """;
        var (result, diagnostics) = await MirrorDecoderGeneratorTests.RunAndDiagnoseAsync(source);
        Assert.Empty(diagnostics);
        var generated = Assert.Single(result.GeneratedTrees).GetText().ToString();
        Assert.Contains("private static readonly string[] StageNames = { \"input\", \"pool\", \"b_conv\", \"a_conv\" };", generated);
    }

    /// <summary>An encoder whose constructor parameters all have defaults is built with them, as <c>new Encoder()</c> builds it.</summary>
    [Fact]
    public async Task An_encoder_is_built_with_the_defaults_of_its_constructor()
    {
        var source = TestSources.GeneratorSources.Usings + """
            [ConvAnalyzers.InputShape(1, 3, 16, 16)]
            public sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv;
                public Encoder(long width = 8, double slope = 0.2, PaddingModes mode = PaddingModes.Zeros) : base(nameof(Encoder))
                {
                    conv = nn.Sequential(nn.Conv2d(3, width, 4, stride: 2, padding: 1, padding_mode: mode), nn.LeakyReLU(slope));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => conv.forward(x);
            }

            [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
            public partial class Decoder { }
            """;
        var (result, diagnostics) = await MirrorDecoderGeneratorTests.RunAndDiagnoseAsync(source);
        Assert.Empty(diagnostics);
        Assert.Contains("this.conv_0 = global::TorchSharp.torch.nn.ConvTranspose2d(8, 3, 4, stride: 2, padding: 1, output_padding: 0, dilation: 1, groups: 1);", Assert.Single(result.GeneratedTrees).GetText().ToString());
    }
}
