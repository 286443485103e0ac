using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    /// <summary>Norm, padding and shuffle layers with shape rules of their own: GroupNorm, InstanceNorm, LayerNorm, ReflectionPad, PixelShuffle.</summary>
    private static IEnumerable<RealIdiomModel> Norms()
    {
        yield return new RealIdiomModel("StyleTransferResidualNet", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class ResidualBlock : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body;

                public ResidualBlock(long channels) : base(nameof(ResidualBlock))
                {
                    body = Sequential(
                        ReflectionPad2d(1), Conv2d(channels, channels, 3), InstanceNorm2d(channels, affine: true), ReLU(),
                        ReflectionPad2d(1), Conv2d(channels, channels, 3), InstanceNorm2d(channels, affine: true));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => x + body.forward(x);
            }

            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            [ConvAnalyzers.OutputShape(-1, 3, 32, 32)]
            public sealed class TransformerNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> down;
                private readonly Module<Tensor, Tensor> residuals;
                private readonly Module<Tensor, Tensor> up;

                public TransformerNet() : base(nameof(TransformerNet))
                {
                    down = Sequential(
                        ReflectionPad2d(4), Conv2d(3, 16, 9), GroupNorm(4, 16), ReLU(),
                        Conv2d(16, 32, 3, stride: 2, padding: 1), GroupNorm(8, 32), ReLU());
                    residuals = Sequential(new ResidualBlock(32), new ResidualBlock(32));
                    up = Sequential(Conv2d(32, 3 * 2 * 2, 3, padding: 1), PixelShuffle(2));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (NewDisposeScope())
                    {
                        return up.forward(residuals.forward(down.forward(x))).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run() => new TransformerNet().forward(torch.zeros(1, 3, 32, 32));
            }
            """, null, "norm-layers, block-class, dispose-scope, input-attribute");

        yield return new RealIdiomModel("GroupNormSizedForTheBlockInput", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class NormConvBlock : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv;
                private readonly Module<Tensor, Tensor> norm;

                public NormConvBlock(long inChannels, long outChannels, long groups) : base(nameof(NormConvBlock))
                {
                    conv = Conv2d(inChannels, outChannels, 3, padding: 1);
                    // The norm follows the conv, so it should take outChannels.
                    norm = GroupNorm(groups, inChannels);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => functional.silu(norm.forward(conv.forward(x)));
            }

            public sealed class Encoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> blocks;

                public Encoder() : base(nameof(Encoder))
                {
                    blocks = Sequential(new NormConvBlock(8, 8, 4), new NormConvBlock({|CONV004:8|}, 16, 4));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => blocks.forward(x);
            }

            public static class Program
            {
                public static void Run()
                {
                    var encoder = new Encoder();
                    var x = torch.randn(2, 8, 16, 16);
                    encoder.forward(x);
                }
            }
            """, "CONV004", "norm-layers, block-class, call-site-input");

        yield return new RealIdiomModel("PatchEmbeddingWithLayerNorm", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class PatchEmbed : Module<Tensor, Tensor>
            {
                private const long Patch = 4;
                private const long Dim = 24;
                private readonly Module<Tensor, Tensor> proj = Conv2d(3, Dim, Patch, stride: Patch);
                private readonly Module<Tensor, Tensor> norm = LayerNorm(Dim);
                private readonly Module<Tensor, Tensor> head = Linear(Dim, 10);

                public PatchEmbed() : base(nameof(PatchEmbed)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var tokens = proj.forward(x).flatten(2).transpose(1, 2);
                    var normed = norm.forward(tokens);
                    return head.forward(normed.mean(new long[] { 1 }));
                }
            }

            public static class Program
            {
                public static void Run() => new PatchEmbed().forward(torch.zeros(2, 3, 32, 32));
            }
            """, null, "norm-layers, view-head, input-attribute");

        yield return new RealIdiomModel("LayerNormOverChannelsNotTokens", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class PatchEmbed : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> proj;
                private readonly Module<Tensor, Tensor> norm;

                public PatchEmbed() : this(4, {|CONV004:24|}) { }

                public PatchEmbed(long patch, long dim) : base(nameof(PatchEmbed))
                {
                    proj = Conv2d(3, dim, patch, stride: patch);
                    // The tokens are [N, 64, 24] until transposed; the norm is applied before the transpose.
                    norm = LayerNorm(dim);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => norm.forward(proj.forward(x).flatten(2)).transpose(1, 2);
            }

            public static class Program
            {
                public static void Run() => new PatchEmbed().forward(torch.zeros(2, 3, 32, 32));
            }
            """, "CONV004", "norm-layers, input-attribute");
    }
}
