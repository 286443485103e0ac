using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvAnalyzers.Tests.Generators;

/// <summary>
/// Encoders built from blocks and helpers: when no verified decoder exists, the one diagnostic goes where the
/// responsible value was written (DESIGN §4), the block's creation argument when it was passed in, and the
/// message names the layer's named_modules() key.
/// </summary>
public sealed class GeneratorLocationTests
{
    private const string Block = """
        public sealed class DownBlock : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;
            private readonly nn.Module<Tensor, Tensor> act = nn.ReLU();

            public DownBlock(long inChannels, long outChannels, long stride = 2, PaddingModes mode = PaddingModes.Zeros) : base(nameof(DownBlock))
            {
                conv = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, padding_mode: mode);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => act.forward(conv.forward(x));
        }

        """;

    private static string Encoder(string members, string forward = "x = first.forward(x); return second.forward(x);", string constructor = "public Encoder() : base(nameof(Encoder)) => RegisterComponents();") => GeneratorSources.Usings + Block + $$"""
        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class Encoder : nn.Module<Tensor, Tensor>
        {
            {{members}}
            {{constructor}}
            public override Tensor forward(Tensor x) { {{forward}} }
        }

        [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
        public partial class Decoder { }
        """;

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        {
            // An unknown value has no origin: the message names the field, the finding goes to the layer it reaches.
            "CONV105",
            Encoder("public static long Width = 8; private readonly DownBlock first = new DownBlock(3, Width); private readonly DownBlock second = new DownBlock(Width, 16);"),
            "nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, padding_mode: mode)",
            "out_channels of Conv2d is not a compile-time constant, so the generator cannot verify a mirror for it (in first.conv)"
        },
        {
            "CONV105",
            Encoder(
                "private readonly DownBlock first; private readonly DownBlock second;",
                constructor: "public Encoder(long width) : base(nameof(Encoder)) { first = new DownBlock(3, width); second = new DownBlock(width, 16); RegisterComponents(); }"),
            "long width",
            "parameter width of Encoder(long), which the generator builds without arguments"
        },
        {
            "CONV106",
            Encoder("private readonly DownBlock first = new DownBlock(3, 8, 2, PaddingModes.Reflect); private readonly DownBlock second = new DownBlock(8, 16);"),
            "PaddingModes.Reflect",
            "pads with PaddingModes.Reflect"
        },
        {
            "CONV106",
            Encoder("private readonly DownBlock first = new DownBlock(3, 8); private readonly DownBlock second = new DownBlock(4, 16);"),
            "4",
            "Conv2d (in second.conv) fails on the encoder's input [1,3,16,16], so it has no mirror: "
        },
        {
            "CONV104",
            Encoder("private readonly DownBlock first = new DownBlock(3, 8); private readonly DownBlock second = new DownBlock(16, 32);", "x = first.forward(x); x = torch.cat(new[] { x, x }, 1); return second.forward(x);"),
            "nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, padding_mode: mode)",
            "Conv2d (in second.conv) receives [1,16,8,8], but the layer before it gave [1,8,8,8]"
        },
        {
            "CONV104",
            Encoder(
                "private readonly DownBlock first = new DownBlock(3, 8); private readonly DownBlock second = new DownBlock(8, 16); private readonly nn.Module<Tensor, Tensor> skip = nn.Conv2d(3, 16, 1, stride: 4);",
                "var y = first.forward(x); return second.forward(y) + skip.forward(x);"),
            "nn.Conv2d(3, 16, 1, stride: 4)",
            "Conv2d (in skip) receives [1,3,16,16], but the layer before it gave [1,16,4,4]: between them a tensor operation changes the shape or the flow branches"
        },
        {
            "CONV106",
            Encoder("private readonly DownBlock first = new DownBlock(3, 8); private readonly DownBlock second = new DownBlock(16, 32);", "var y = first.forward(x); y = torch.cat(new[] { y, x }, 1); return second.forward(y);"),
            "torch.cat(new[] { y, x }, 1)",
            "the encoder fails on its input [1,3,16,16], so it has no mirror: "
        },
        {
            "CONV104",
            Encoder("public static bool Deep; private readonly DownBlock first = new DownBlock(3, 8); private readonly DownBlock second = new DownBlock(8, 8, 1);", "x = first.forward(x); if (Deep) { x = second.forward(x); } return x;"),
            "nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, padding_mode: mode)",
            "runs only on some paths"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reports_at_the_value_responsible(string id, string source, string located, string message)
    {
        var (result, diagnostics) = await MirrorDecoderGeneratorTests.RunAndDiagnoseAsync(source);
        Assert.Empty(result.GeneratedTrees);
        var diagnostic = Assert.Single(diagnostics);
        var span = diagnostic.Location.SourceSpan;
        Assert.True(id == diagnostic.Id && diagnostic.GetMessage().Contains(message, StringComparison.Ordinal) && located == source.Substring(span.Start, span.Length),
            $"{diagnostic.Id} at '{source.Substring(span.Start, span.Length)}': {diagnostic.GetMessage()}");
    }
}
