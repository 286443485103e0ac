using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// The network analyzer's test sources, with their expected Warning/Error diagnostics as markup (CONV000 and
/// CONV008 are checked apart). The analyzer tests verify the markup; the libtorch tests run the same modules on
/// their [InputShape] inputs in TorchSharp and compare every layer's shape.
/// </summary>
public static class NetworkAnalyzerSources
{
    public const string Usings = "using System; using System.Collections.Generic; using TorchSharp; using static TorchSharp.torch;\n";

    /// <summary>The seed question's encoder and a decoder layer, as a module with its input shape.</summary>
    public static string SeedAutoencoder(string decoder) => Usings + $$"""
        [ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
        public sealed class Autoencoder : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> encoder = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);
            private readonly nn.Module<Tensor, Tensor> decoder = {{decoder}};

            public Autoencoder() : base(nameof(Autoencoder)) => RegisterComponents();

            public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
        }
        """;

    /// <summary>The seed's encoder and a decoder layer, with no input shape anywhere.</summary>
    public static string SeedAutoencoderWithoutInput(string decoder) => SeedAutoencoder(decoder).Replace("[ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]\n", string.Empty);

    public static string Generator(long firstKernel, long kernel) => Usings + $$"""
        [ConvAnalyzers.InputShape(16, 100, 1, 1)]
        [ConvAnalyzers.OutputShape(-1, 1, 32, 32)]
        public sealed class Generator : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(
                nn.ConvTranspose2d(100, 128, {{firstKernel}}), nn.BatchNorm2d(128), nn.ReLU(),
                nn.ConvTranspose2d(128, 64, {{kernel}}, stride: 2, padding: 1), nn.BatchNorm2d(64), nn.ReLU(),
                nn.ConvTranspose2d(64, 32, {{kernel}}, stride: 2, padding: 1), nn.BatchNorm2d(32), nn.ReLU(),
                nn.ConvTranspose2d(32, 1, {{kernel}}, stride: 2, padding: 1), nn.Tanh());

            public Generator() : base(nameof(Generator)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x);
        }
        """;

    /// <summary>A padded U-Net with four MaxPool2d(2) levels; <paramref name="broken"/> marks where 250×250 breaks it.</summary>
    public static string UNet(long size, bool broken) => UNet(
        size,
        Mark(broken ? "CONV005" : null, "nn.ConvTranspose2d(128, 64, 2, stride: 2)"),
        Mark(broken ? "CONV010" : null, "torch.cat(new[] { up4.forward(b), e4 }, 1)"),
        "nn.ConvTranspose2d(32, 16, 2, stride: 2)");

    /// <summary>The same U-Net with its deepest up-sampling layer, the skip join after it and its third level's up-sampling layer given.</summary>
    public static string UNet(long size, string up4, string cat4, string up2, string name = "UNet") => Usings + $$"""
        [ConvAnalyzers.InputShape(1, 1, {{size}}, {{size}})]
        public sealed class {{name}} : nn.Module<Tensor, Tensor>
        {
            private static nn.Module<Tensor, Tensor> Block(long input, long output) =>
                nn.Sequential(nn.Conv2d(input, output, 3, padding: 1), nn.ReLU());

            private readonly nn.Module<Tensor, Tensor> enc1 = nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> enc2 = nn.Sequential(nn.Conv2d(8, 16, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> enc3 = nn.Sequential(nn.Conv2d(16, 32, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> enc4 = nn.Sequential(nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> bottleneck = nn.Sequential(nn.Conv2d(64, 128, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
            private readonly nn.Module<Tensor, Tensor> up4 = {{up4}};
            private readonly nn.Module<Tensor, Tensor> dec4 = nn.Sequential(nn.Conv2d(128, 64, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> up3 = nn.ConvTranspose2d(64, 32, 2, stride: 2);
            private readonly nn.Module<Tensor, Tensor> dec3 = nn.Sequential(nn.Conv2d(64, 32, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> up2 = {{up2}};
            private readonly nn.Module<Tensor, Tensor> dec2 = nn.Sequential(nn.Conv2d(32, 16, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> up1 = nn.ConvTranspose2d(16, 8, 2, stride: 2);
            private readonly nn.Module<Tensor, Tensor> dec1 = nn.Sequential(nn.Conv2d(16, 8, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(8, 1, 1);

            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                var e1 = enc1.forward(x);
                var e2 = enc2.forward(pool.forward(e1));
                var e3 = enc3.forward(pool.forward(e2));
                var e4 = enc4.forward(pool.forward(e3));
                var b = bottleneck.forward(pool.forward(e4));
                var d4 = dec4.forward({{cat4}});
                var d3 = dec3.forward(torch.cat(new[] { up3.forward(d4), e3 }, 1));
                var d2 = dec2.forward(torch.cat(new[] { up2.forward(d3), e2 }, 1));
                var d1 = dec1.forward(torch.cat(new[] { up1.forward(d2), e1 }, 1));
                return head.forward(d1);
            }
        }
        """;

    private static string Mark(string? id, string code) => id is null ? code : "{|" + id + ":" + code + "|}";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["Seed_decoder_without_padding_overshoots"] = SeedAutoencoder("{|CONV005:nn.ConvTranspose3d(128, 256, 3, 2)|}"),
        ["Seed_decoder_with_padding_only_falls_short"] = SeedAutoencoder("{|CONV005:nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1)|}"),
        ["Without_input_a_decoder_off_by_a_constant_is_reported"] = SeedAutoencoderWithoutInput("{|CONV005:nn.ConvTranspose3d(128, 256, 3, 2)|}"),
        ["Without_input_a_decoder_right_for_some_sizes_is_silent"] = SeedAutoencoderWithoutInput("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1)"),
        ["Seed_decoder_with_output_padding_is_silent"] = SeedAutoencoder("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1)"),
        ["DCGAN_generator_that_stalls_at_2x2"] = Generator(2, 2).Replace("[ConvAnalyzers.OutputShape(-1, 1, 32, 32)]", "[{|CONV009:ConvAnalyzers.OutputShape(-1, 1, 32, 32)|}]"),
        ["DCGAN_generator_with_kernel_4_is_silent"] = Generator(4, 4),
        ["UNet_on_256_is_silent"] = UNet(256, broken: false),
        ["UNet_on_250_breaks_at_the_deepest_skip"] = UNet(250, broken: true),
        ["MNIST_flatten_to_linear_with_wrong_in_features"] = Usings + """
            [ConvAnalyzers.InputShape(64, 1, 28, 28)]
            public sealed class Mnist : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> features = nn.Sequential(
                    ("conv", nn.Conv2d(1, 32, 3)), ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()));
                private readonly nn.Module<Tensor, Tensor> classifier;

                public Mnist() : base(nameof(Mnist))
                {
                    classifier = {|CONV004:nn.Linear(32 * 12 * 12, 10)|};
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => classifier.forward(features.forward(x));
            }
            """,
        ["Channel_mismatch_after_BatchNorm"] = Usings + """
            [ConvAnalyzers.InputShape(8, 3, 32, 32)]
            public sealed class Features : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding: 1), nn.BatchNorm2d(16), nn.ReLU(),
                    {|CONV004:nn.Conv2d(32, 64, 3, padding: 1)|}, nn.BatchNorm2d(64));

                public Features() : base(nameof(Features)) => RegisterComponents();

                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """,
        ["Conv2d_fed_a_5D_input"] = Usings + """
            [ConvAnalyzers.InputShape(2, 3, 8, 32, 32)]
            public sealed class Wrong : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = {|CONV006:nn.Conv2d(3, 16, 3)|};

                public Wrong() : base(nameof(Wrong)) => RegisterComponents();

                public override Tensor forward(Tensor x) => conv.forward(x);
            }
            """,
        ["Several_inputs_one_diagnostic_naming_the_failing_ones"] = Usings + """
            [ConvAnalyzers.InputShape(1, 1, 4, 4)]
            [ConvAnalyzers.InputShape(1, 1, 32, 32)]
            [ConvAnalyzers.InputShape(1, 1, 5, 5)]
            public sealed class Small : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = {|CONV003:nn.Conv2d(1, 4, 7)|};

                public Small() : base(nameof(Small)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    x = conv.call(x);
                    return x.relu();
                }
            }
            """,
        ["Residual_block_with_a_shortcut_is_silent"] = Usings + """
            [ConvAnalyzers.InputShape(4, 64, 56, 56)]
            public sealed class Residual : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(64, 128, 3, stride: 2, padding: 1);
                private readonly nn.Module<Tensor, Tensor> bn1 = nn.BatchNorm2d(128);
                private readonly nn.Module<Tensor, Tensor> conv2 = nn.Conv2d(128, 128, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> shortcut = nn.Sequential(nn.Conv2d(64, 128, 1, stride: 2), nn.BatchNorm2d(128));

                public Residual() : base(nameof(Residual)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var y = torch.nn.functional.relu(bn1.forward(conv1.forward(x)));
                    y = conv2.forward(y);
                    return (y + shortcut.forward(x)).relu();
                }
            }
            """,
        ["Residual_block_whose_shortcut_keeps_the_size_is_CONV010"] = Usings + """
            [ConvAnalyzers.InputShape(4, 64, 56, 56)]
            public sealed class Residual : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(64, 128, 3, stride: 2, padding: 1);
                private readonly nn.Module<Tensor, Tensor> shortcut = nn.Conv2d(64, 128, 1);

                public Residual() : base(nameof(Residual)) => RegisterComponents();

                public override Tensor forward(Tensor x) => {|CONV010:conv1.forward(x) + shortcut.forward(x)|};
            }
            """,
        ["MirrorOf_decoder_pairs_with_its_encoder"] = Usings + """
            [ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
            public sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> down = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);

                public Encoder() : base(nameof(Encoder)) => RegisterComponents();

                public override Tensor forward(Tensor x) => down.forward(x);
            }

            [ConvAnalyzers.MirrorOf(typeof(Encoder))]
            public sealed class Decoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> up = {|CONV005:nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1)|};

                public Decoder() : base(nameof(Decoder)) => RegisterComponents();

                public override Tensor forward(Tensor x) => up.forward(x);
            }
            """,
        ["Layers_from_a_base_class"] = Usings + """
            public abstract class Backbone : nn.Module<Tensor, Tensor>
            {
                protected readonly nn.Module<Tensor, Tensor> stem = nn.Conv2d(3, 8, 3, padding: 1);

                protected Backbone(string name) : base(name) { }
            }

            [ConvAnalyzers.InputShape(1, 4, 16, 16)]
            public sealed class Classifier : Backbone
            {
                private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(8, 2, 1);

                public Classifier() : base(nameof(Classifier)) => RegisterComponents();

                public override Tensor forward(Tensor x) => head.forward(stem.forward(x));
            }
            """.Replace("nn.Conv2d(3, 8, 3, padding: 1)", "{|CONV004:nn.Conv2d(3, 8, 3, padding: 1)|}"),
        ["Nested_module_classes"] = Usings + """
            public sealed class Block : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = {|CONV004:nn.Conv2d(16, 16, 3, padding: 1)|};

                public Block() : base(nameof(Block)) => RegisterComponents();

                public override Tensor forward(Tensor x) => conv.forward(x).relu();
            }

            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> stem = nn.Conv2d(3, 8, 3, padding: 1);
                private readonly Block block = new Block();

                public Net() : base(nameof(Net)) => RegisterComponents();

                public override Tensor forward(Tensor x) => block.forward(stem.forward(x));
            }
            """,
        ["Unknown_forward_logic_is_silent"] = Usings + """
            [ConvAnalyzers.InputShape(1, 3, 8, 8)]
            public sealed class Branchy : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> a = nn.Conv2d(3, 16, 3);
                private readonly nn.Module<Tensor, Tensor> b = nn.Conv2d(8, 16, 3);
                public bool UseB { get; set; }

                public Branchy() : base(nameof(Branchy)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    if (UseB)
                    {
                        x = x.narrow(1, 0, 8);
                    }

                    return UseB ? b.forward(x) : a.forward(x);
                }
            }
            """,
    };
}
