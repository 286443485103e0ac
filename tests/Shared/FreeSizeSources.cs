using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// Networks whose [InputShape] writes -1 for the batch and the spatial sizes (CONV011). The analyzer tests check the
/// message against the analyzer's own computed set and against concrete runs; the libtorch tests run the same modules
/// in TorchSharp on sizes 1..64 and on seeded random sizes up to 4096. Each root has a parameterless constructor.
/// </summary>
public static class FreeSizeSources
{
    private const string Usings = NetworkAnalyzerSources.Usings;

    /// <summary>The padded U-Net of the network tests with four MaxPool2d(2) levels, every size free.</summary>
    public static string UNet4 { get; } = NetworkAnalyzerSources.UNet(0, broken: false).Replace("InputShape(1, 1, 0, 0)", "InputShape(-1, 1, -1, -1)");

    /// <summary>A padded U-Net of <paramref name="depth"/> MaxPool(2) levels in <paramref name="rank"/> dimensions, written out level by level.</summary>
    public static string UNet(int depth, int rank = 2, string name = "FreeUNet")
    {
        var d = rank + "d";
        var fields = new StringBuilder();
        var forward = new StringBuilder();
        long Width(int level) => 4L << level;
        fields.AppendLine($"    private readonly nn.Module<Tensor, Tensor> enc0 = nn.Sequential(nn.Conv{d}(1, {Width(0)}, 3, padding: 1), nn.ReLU());");
        forward.AppendLine("        var e0 = enc0.forward(x);");
        for (var level = 1; level <= depth; level++)
        {
            fields.AppendLine($"    private readonly nn.Module<Tensor, Tensor> enc{level} = nn.Sequential(nn.Conv{d}({Width(level - 1)}, {Width(level)}, 3, padding: 1), nn.ReLU());");
            forward.AppendLine($"        var e{level} = enc{level}.forward(pool.forward(e{level - 1}));");
        }

        forward.AppendLine($"        var u{depth} = e{depth};");
        for (var level = depth - 1; level >= 0; level--)
        {
            fields.AppendLine($"    private readonly nn.Module<Tensor, Tensor> up{level} = nn.ConvTranspose{d}({Width(level + 1)}, {Width(level)}, 2, stride: 2);");
            fields.AppendLine($"    private readonly nn.Module<Tensor, Tensor> dec{level} = nn.Sequential(nn.Conv{d}({Width(level + 1)}, {Width(level)}, 3, padding: 1), nn.ReLU());");
            forward.AppendLine($"        var u{level} = dec{level}.forward(torch.cat(new[] {{ up{level}.forward(u{level + 1}), e{level} }}, 1));");
        }

        var shape = string.Join(", ", new[] { "-1", "1" }.Concat(Enumerable.Repeat("-1", rank)));
        return Usings + $$"""
            [ConvAnalyzers.InputShape({{shape}})]
            public sealed class {{name}} : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool{{d}}(2);
            {{fields}}    private readonly nn.Module<Tensor, Tensor> head = nn.Conv{{d}}({{Width(0)}}, 1, 1);

                public {{name}}() : base(nameof({{name}})) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
            {{forward}}        return head.forward(u0);
                }
            }
            """;
    }

    /// <summary>A small ResNet: strided stem, max pool, two basic blocks (the second strided, with a 1×1 shortcut), global pool, linear head.</summary>
    public const string ResNet = Usings + """
        public sealed class BasicBlock : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv1;
            private readonly nn.Module<Tensor, Tensor> conv2;
            private readonly nn.Module<Tensor, Tensor> shortcut;

            public BasicBlock(long input, long output, long stride) : base(nameof(BasicBlock))
            {
                conv1 = nn.Sequential(nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false), nn.BatchNorm2d(output), nn.ReLU());
                conv2 = nn.Sequential(nn.Conv2d(output, output, 3, padding: 1, bias: false), nn.BatchNorm2d(output));
                shortcut = stride == 1 && input == output ? nn.Identity() : nn.Sequential(nn.Conv2d(input, output, 1, stride: stride, bias: false), nn.BatchNorm2d(output));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => nn.functional.relu(conv2.forward(conv1.forward(x)) + shortcut.forward(x));
        }

        [ConvAnalyzers.InputShape(-1, 3, -1, -1)]
        public sealed class FreeResNet : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> stem = nn.Sequential(nn.Conv2d(3, 16, 7, stride: 2, padding: 3, bias: false), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(3, stride: 2, padding: 1));
            private readonly nn.Module<Tensor, Tensor> layer1 = new BasicBlock(16, 16, 1);
            private readonly nn.Module<Tensor, Tensor> layer2 = new BasicBlock(16, 32, 2);
            private readonly nn.Module<Tensor, Tensor> pool = nn.AdaptiveAvgPool2d(1);
            private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(32, 10);

            public FreeResNet() : base(nameof(FreeResNet)) => RegisterComponents();

            public override Tensor forward(Tensor x) => fc.forward(pool.forward(layer2.forward(layer1.forward(stem.forward(x)))).flatten(1));
        }
        """;

    /// <summary>A DCGAN discriminator: four k4 s2 p1 convolutions and a final k4 convolution that must give 1×1.</summary>
    public const string Discriminator = Usings + """
        [ConvAnalyzers.InputShape(-1, 3, -1, -1)]
        [ConvAnalyzers.OutputShape(-1, 1, 1, 1)]
        public sealed class FreeDiscriminator : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(
                nn.Conv2d(3, 8, 4, stride: 2, padding: 1, bias: false), nn.LeakyReLU(0.2),
                nn.Conv2d(8, 16, 4, stride: 2, padding: 1, bias: false), nn.BatchNorm2d(16), nn.LeakyReLU(0.2),
                nn.Conv2d(16, 32, 4, stride: 2, padding: 1, bias: false), nn.BatchNorm2d(32), nn.LeakyReLU(0.2),
                nn.Conv2d(32, 64, 4, stride: 2, padding: 1, bias: false), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
                nn.Conv2d(64, 1, 4, bias: false), nn.Sigmoid());

            public FreeDiscriminator() : base(nameof(FreeDiscriminator)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x);
        }
        """;

    /// <summary>A raw-audio classifier: a wide strided Conv1d front end, pools, a global pool and a linear head.</summary>
    public const string Audio = Usings + """
        [ConvAnalyzers.InputShape(-1, 1, -1)]
        public sealed class FreeAudio : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> features = nn.Sequential(
                nn.Conv1d(1, 8, 80, stride: 16), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(4),
                nn.Conv1d(8, 16, 3), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(4),
                nn.AdaptiveAvgPool1d(1));
            private readonly nn.Module<Tensor, Tensor> head = nn.Linear(16, 5);

            public FreeAudio() : base(nameof(FreeAudio)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.forward(features.forward(x).flatten(1));
        }
        """;

    /// <summary>A 1-D net whose flatten feeds a Linear: exactly the lengths that give 16·5 features.</summary>
    public const string AudioFlatten = Usings + """
        [ConvAnalyzers.InputShape(-1, 1, -1)]
        public sealed class FreeAudioFlatten : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv = nn.Sequential(nn.Conv1d(1, 16, 5, stride: 2), nn.ReLU(), nn.MaxPool1d(2));
            private readonly nn.Module<Tensor, Tensor> head = nn.Linear(16 * 5, 3);

            public FreeAudioFlatten() : base(nameof(FreeAudioFlatten)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.forward(conv.forward(x).flatten(1));
        }
        """;

    /// <summary>A strided autoencoder whose decoder gives even sizes back (output_padding 1), and misses odd ones (CONV005).</summary>
    public const string Autoencoder = Usings + """
        [ConvAnalyzers.InputShape(-1, 1, -1, -1)]
        public sealed class FreeAutoencoder : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> encoder = nn.Sequential(nn.Conv2d(1, 8, 3, stride: 2, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> decoder = nn.ConvTranspose2d(8, 1, 3, stride: 2, padding: 1, output_padding: 1);

            public FreeAutoencoder() : base(nameof(FreeAutoencoder)) => RegisterComponents();

            public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
        }
        """;

    /// <summary>
    /// A one-level U-Net that pads the up-sampled map to its skip when an odd size left it a row short: control flow on
    /// the size, followed per size. The pad gives the encoder layer's size back, so odd sizes are accepted like even
    /// ones (no CONV005): every size from 2 up, which the libtorch test runs.
    /// </summary>
    public const string PaddedUNet = Usings + """
        [ConvAnalyzers.InputShape(-1, 1, -1, -1)]
        public sealed class FreePaddedUNet : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> enc = nn.Sequential(nn.Conv2d(1, 4, 3, padding: 1), nn.ReLU());
            private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
            private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(4, 4, 2, stride: 2);
            private readonly nn.Module<Tensor, Tensor> dec = nn.Conv2d(8, 1, 3, padding: 1);

            public FreePaddedUNet() : base(nameof(FreePaddedUNet)) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                var e = enc.forward(x);
                var u = up.forward(pool.forward(e));
                if (u.shape[2] != e.shape[2] || u.shape[3] != e.shape[3])
                {
                    u = nn.functional.pad(u, new long[] { 0, e.shape[3] - u.shape[3], 0, e.shape[2] - u.shape[2] });
                }

                return dec.forward(torch.cat(new[] { u, e }, 1));
            }
        }
        """;

    /// <summary>The valid image, volume and signal models of the real-idiom suite, their [InputShape] written with -1 for the batch and every spatial size.</summary>
    public static IEnumerable<(string Name, string Source)> RealIdioms() =>
        RealIdiomModels.All.Where(m => m.Bug is null && Regex.IsMatch(m.Source, @"\[ConvAnalyzers\.InputShape\((\d+, ){2,}\d+\)\]"))
            .Select(m => ("RealIdiom_" + m.Name, Regex.Replace(m.Source, @"\[ConvAnalyzers\.InputShape\((\d+), (\d+)((?:, \d+)+)\)\]",
                match => $"[ConvAnalyzers.InputShape(-1, {match.Groups[2].Value}{Regex.Replace(match.Groups[3].Value, @"\d+", "-1")})]")));

    /// <summary>
    /// The real-idiom models without a CONV011 answer: something on their path is unknown to the interpreter for some
    /// size (CONV012 names it), so nothing is claimed.
    /// </summary>
    public static readonly IReadOnlySet<string> Unanswered = new HashSet<string> { "RealIdiom_ResNetFromStaticFactories" };

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["UNet_depth_4"] = UNet4,
        ["UNet_depth_3"] = UNet(3),
        ["UNet_depth_5"] = UNet(5),
        ["UNet3d_depth_2"] = UNet(2, rank: 3),
        ["ResNet"] = ResNet,
        ["DCGAN_discriminator"] = Discriminator,
        ["Audio_1d"] = Audio,
        ["Audio_1d_flatten_to_linear"] = AudioFlatten,
        ["Autoencoder"] = Autoencoder,
        ["UNet_padding_odd_sizes"] = PaddedUNet,
    };
}
