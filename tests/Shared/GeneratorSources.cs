using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

/// <summary>Encoders with [MirrorDecoder] classes: snapshots in the analyzer tests, run in TorchSharp in the libtorch tests.</summary>
public static class GeneratorSources
{
    public const string Usings = "using System; using TorchSharp; using static TorchSharp.torch;\n";

    public static IReadOnlyDictionary<string, (string Source, string Decoder, long[] Input)> All { get; } = new Dictionary<string, (string, string, long[])>
    {
        ["Seed3d"] = (Usings + """
            namespace Volumes
            {
                [ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
                public sealed class Encoder : nn.Module<Tensor, Tensor>
                {
                    private readonly nn.Module<Tensor, Tensor> down = nn.Sequential(
                        nn.Conv3d(256, 128, 3, stride: 2, padding: 1), nn.BatchNorm3d(128), nn.ReLU());

                    public Encoder() : base(nameof(Encoder)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => down.forward(x);
                }

                [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
                public partial class Decoder
                {
                }
            }
            """, "Volumes.Decoder", new long[] { 2, 256, 24, 32, 24 }),
        ["Image2dPerDimension"] = (Usings + """
            [ConvAnalyzers.InputShape(4, 3, 31, 32)]
            public sealed class ImageEncoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(3, 16, 3, stride: 2, padding: 1);
                private readonly nn.Module<Tensor, Tensor> act = nn.ReLU();
                private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
                private readonly nn.Module<Tensor, Tensor> conv2 = nn.Conv2d(16, 32, 1);

                public ImageEncoder() : base(nameof(ImageEncoder)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    x = act.forward(conv1.forward(x));
                    x = pool.forward(x);
                    return conv2.forward(x);
                }
            }

            [ConvAnalyzers.MirrorDecoder(typeof(ImageEncoder))]
            internal partial class ImageDecoder
            {
            }
            """, "ImageDecoder", new long[] { 4, 3, 31, 32 }),
        ["Signal1dWithDenseBottleneck"] = (Usings + """
            public sealed class SignalEncoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(
                    ("conv", nn.Conv1d(2, 8, 5, stride: 2)), ("relu", nn.ReLU()), ("flat", nn.Flatten()), ("dense", nn.Linear(8 * 48, 16)));

                public SignalEncoder() : base(nameof(SignalEncoder)) => RegisterComponents();

                public override Tensor forward(Tensor x) => net.forward(x);
            }

            [ConvAnalyzers.MirrorDecoder(typeof(SignalEncoder), 8, 2, 100)]
            public partial class SignalDecoder
            {
            }
            """, "SignalDecoder", new long[] { 8, 2, 100 }),
    };
}
