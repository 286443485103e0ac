using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvAnalyzers.Tests.Generators;

/// <summary>When no verified decoder can be generated, nothing is emitted and one diagnostic (from MirrorDecoderAnalyzer) says why.</summary>
public sealed class GeneratorDiagnosticsTests
{
    private static string Encoder(string layers, string attributes = "[ConvAnalyzers.InputShape(1, 3, 16, 16)]", string members = "") => GeneratorSources.Usings + $$"""
        {{attributes}}
        public sealed class Encoder : nn.Module<Tensor, Tensor>
        {
            {{members}}
            private readonly nn.Module<Tensor, Tensor> net = nn.Sequential({{layers}});
            public Encoder() : base(nameof(Encoder)) => RegisterComponents();
            public override Tensor forward(Tensor x) => net.forward(x);
        }

        """;

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "CONV103", Encoder("nn.Conv2d(3, 8, 3)") + "[ConvAnalyzers.MirrorDecoder(typeof(Encoder))] public class Decoder { }", "must be partial" },
        { "CONV101", GeneratorSources.Usings + "[ConvAnalyzers.MirrorDecoder(typeof(TorchSharp.Modules.Conv2d))] public partial class Decoder { }", "source is not in this compilation" },
        { "CONV102", Encoder("nn.Conv2d(3, 8, 3)", attributes: string.Empty) + "[ConvAnalyzers.MirrorDecoder(typeof(Encoder))] public partial class Decoder { }", "has no known input shape" },
        { "CONV102", Encoder("nn.Conv2d(3, 8, 3)", attributes: "[ConvAnalyzers.InputShape(1, 3, 16, 16)][ConvAnalyzers.InputShape(1, 3, 8, 8)]") + "[ConvAnalyzers.MirrorDecoder(typeof(Encoder))] public partial class Decoder { }", "has 2 input shapes" },
        { "CONV104", Encoder("nn.Conv2d(3, 8, 3), nn.Upsample(scale_factor: new double[] { 2, 2 })") + "[ConvAnalyzers.MirrorDecoder(typeof(Encoder))] public partial class Decoder { }", "Upsample cannot be mirrored" },
        { "CONV105", Encoder("nn.Conv2d(3, 8, Kernel)", members: "private static long Kernel = 3;") + "[ConvAnalyzers.MirrorDecoder(typeof(Encoder))] public partial class Decoder { }", "kernel_size of Conv2d is not a compile-time constant" },
        { "CONV106", Encoder("nn.Conv2d(3, 8, 3, padding: 1, padding_mode: PaddingModes.Reflect)") + "[ConvAnalyzers.MirrorDecoder(typeof(Encoder))] public partial class Decoder { }", "PaddingModes.Reflect" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reports_why_and_emits_nothing(string id, string source, string message)
    {
        var (result, diagnostics) = await MirrorDecoderGeneratorTests.RunAndDiagnoseAsync(source);
        Assert.Empty(result.GeneratedTrees);
        var diagnostic = Assert.Single(diagnostics);
        Assert.True(diagnostic.Location.IsInSource, "a location in the compilation's source, where #pragma and .editorconfig apply");
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(message, diagnostic.GetMessage());
        Assert.EndsWith($"docs/rules/{id}.md", diagnostic.Descriptor.HelpLinkUri);
    }
}
