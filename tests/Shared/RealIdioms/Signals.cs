using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    private static IEnumerable<RealIdiomModel> Signals()
    {
        yield return new RealIdiomModel("M5AudioClassifier", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            using F = TorchSharp.torch.nn.functional;

            [ConvAnalyzers.InputShape(2, 1, 8000)]
            public sealed class M5 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv1 = Conv1d(1, 8, 80, stride: 16);
                private readonly Module<Tensor, Tensor> bn1 = BatchNorm1d(8);
                private readonly Module<Tensor, Tensor> conv2 = Conv1d(8, 8, 3);
                private readonly Module<Tensor, Tensor> bn2 = BatchNorm1d(8);
                private readonly Module<Tensor, Tensor> conv3 = Conv1d(8, 16, 3);
                private readonly Module<Tensor, Tensor> bn3 = BatchNorm1d(16);
                private readonly Module<Tensor, Tensor> fc1 = Linear(16, 10);

                public M5() : base(nameof(M5))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    x = F.max_pool1d(F.relu(bn1.forward(conv1.forward(x))), 4);
                    x = F.max_pool1d(F.relu(bn2.forward(conv2.forward(x))), 4);
                    x = F.max_pool1d(F.relu(bn3.forward(conv3.forward(x))), 4);
                    x = F.avg_pool1d(x, x.shape[x.dim() - 1]);
                    x = x.permute(0, 2, 1);
                    return F.log_softmax(fc1.forward(x), 2);
                }
            }

            public static class Program
            {
                public static void Run() => new M5().forward(torch.zeros(2, 1, 8000));
            }
            """, null, "audio-1d, functional-pool, view-head, input-attribute");

        yield return new RealIdiomModel("AudioNetChannelAddedTwice", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class KeywordSpotter : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> features;
                private readonly Module<Tensor, Tensor> classifier;

                public KeywordSpotter(long classes) : base(nameof(KeywordSpotter))
                {
                    features = Sequential(
                        ConvBlock(1, 8, 40, 8),
                        ConvBlock(8, 16, 3, 1));
                    classifier = Linear(16, classes);
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> ConvBlock(long inChannels, long outChannels, long kernel, long stride) =>
                    Sequential({|CONV006:Conv1d(inChannels, outChannels, kernel, stride: stride)|}, BatchNorm1d(outChannels), ReLU(), MaxPool1d(4));

                public override Tensor forward(Tensor waveform)
                {
                    // The loader already yields (batch, 1, samples); this adds a second channel axis.
                    var x = features.forward(waveform.unsqueeze(1));
                    x = functional.adaptive_avg_pool1d(x, 1).squeeze(-1);
                    return classifier.forward(x);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new KeywordSpotter(12);
                    var batch = torch.zeros(4, 1, 4000);
                    model.forward(batch);
                }
            }
            """, "CONV006", "audio-1d, helper-method, functional-pool, call-site-input");

        yield return new RealIdiomModel("DenoisingAutoencoder1d", """
            using System;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Denoiser : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> encoder;
                private readonly Module<Tensor, Tensor> decoder;

                public Denoiser(long width) : base(nameof(Denoiser))
                {
                    Func<long, long, Module<Tensor, Tensor>> down = (i, o) => Sequential(Conv1d(i, o, 5, stride: 2, padding: 2), ReLU());
                    Func<long, long, Module<Tensor, Tensor>> up = (i, o) => Sequential(ConvTranspose1d(i, o, 5, stride: 2, padding: 2, output_padding: 1), ReLU());
                    encoder = Sequential(down(1, width), down(width, width * 2));
                    decoder = Sequential(up(width * 2, width), ConvTranspose1d(width, 1, 5, stride: 2, padding: 2, output_padding: 1));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var y = decoder.forward(encoder.forward(x));
                        return y.MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new Denoiser(8);
                    var noisy = torch.randn(2, 1, 100);
                    model.forward(noisy);
                }
            }
            """, null, "audio-1d, lambda, dispose-scope, call-site-input");

        yield return new RealIdiomModel("Autoencoder1dOnOddLength", """
            using System;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 1, 101)]
            public sealed class SignalAutoencoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> net;

                public SignalAutoencoder() : base(nameof(SignalAutoencoder))
                {
                    Func<long, long, Module<Tensor, Tensor>> block = (i, o) => Sequential(Conv1d(i, o, 3, padding: 1), BatchNorm1d(o), ReLU());
                    net = Sequential(
                        block(1, 8),
                        Conv1d(8, 8, 4, stride: 2, padding: 1),
                        block(8, 8),
                        {|CONV005:ConvTranspose1d(8, 8, 4, stride: 2, padding: 1)|},
                        Conv1d(8, 1, 1));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => net.forward(x);
            }

            public static class Program
            {
                public static void Run() => new SignalAutoencoder().forward(torch.zeros(2, 1, 101));
            }
            """, "CONV005", "audio-1d, lambda, input-attribute");

        yield return new RealIdiomModel("VideoClassifier3d", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class C3dLite : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> features;
                private readonly Module<Tensor, Tensor> fc;

                public C3dLite(long classes) : base(nameof(C3dLite))
                {
                    features = Sequential(
                        Conv3dBlock(3, 8), MaxPool3d((1, 2, 2)),
                        Conv3dBlock(8, 16), MaxPool3d(2),
                        AdaptiveAvgPool3d(1));
                    fc = Linear(16, classes);
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> Conv3dBlock(long inChannels, long outChannels) =>
                    Sequential(Conv3d(inChannels, outChannels, 3, padding: 1), BatchNorm3d(outChannels), ReLU());

                public override Tensor forward(Tensor clip) => fc.forward(features.forward(clip).flatten(1));
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new C3dLite(5);
                    var clip = torch.zeros(new long[] { 1, 3, 8, 16, 16 });
                    model.forward(clip);
                }
            }
            """, null, "volume-3d, helper-method, view-head, call-site-input");

        yield return new RealIdiomModel("VideoFramesThroughConv2d", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class FrameEncoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv;
                private readonly Module<Tensor, Tensor> norm;

                public FrameEncoder(long inChannels, long outChannels) : base(nameof(FrameEncoder))
                {
                    conv = {|CONV006:Conv2d(inChannels, outChannels, 3, padding: 1)|};
                    norm = BatchNorm2d(outChannels);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => functional.relu(norm.forward(conv.forward(x)));
            }

            [ConvAnalyzers.InputShape(1, 3, 4, 16, 16)]
            public sealed class ClipNet : Module<Tensor, Tensor>
            {
                private readonly FrameEncoder encoder = new FrameEncoder(3, 8);
                private readonly Module<Tensor, Tensor> temporal = Conv3d(8, 8, 3, padding: 1);

                public ClipNet() : base(nameof(ClipNet))
                {
                    RegisterComponents();
                }

                // The frames are meant to be folded into the batch first: (N, C, T, H, W) -> (N*T, C, H, W).
                public override Tensor forward(Tensor clip) => temporal.forward(encoder.forward(clip));
            }

            public static class Program
            {
                public static void Run() => new ClipNet().forward(torch.zeros(new long[] { 1, 3, 4, 16, 16 }));
            }
            """, "CONV006", "volume-3d, block-class, input-attribute");

        yield return new RealIdiomModel("TemporalConvNetDilations", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class TemporalBlock : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv1;
                private readonly Module<Tensor, Tensor> conv2;
                private readonly Module<Tensor, Tensor> dropout;

                public TemporalBlock(long channels, long kernel, long dilation) : base(nameof(TemporalBlock))
                {
                    var padding = dilation * (kernel - 1) / 2;
                    conv1 = Conv1d(channels, channels, kernel, padding: padding, dilation: dilation);
                    conv2 = Conv1d(channels, channels, kernel, padding: padding, dilation: dilation);
                    dropout = Dropout(0.1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    var y = dropout.forward(functional.relu(conv1.forward(x)));
                    y = conv2.forward(y);
                    return functional.relu(x + y);
                }
            }

            [ConvAnalyzers.InputShape(2, 16, 64)]
            public sealed class Tcn : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();
                private readonly Module<Tensor, Tensor> head = Conv1d(16, 4, 1);

                public Tcn() : base(nameof(Tcn))
                {
                    long dilation = 1;
                    for (var i = 0; i < 3; i++)
                    {
                        blocks.Add(new TemporalBlock(16, 3, dilation));
                        dilation *= 2;
                    }

                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    foreach (var block in blocks)
                    {
                        x = block.forward(x);
                    }

                    return head.forward(x);
                }
            }

            public static class Program
            {
                public static void Run() => new Tcn().forward(torch.zeros(2, 16, 64));
            }
            """, null, "audio-1d, module-list, config-loop, block-class, input-attribute");

        yield return new RealIdiomModel("TemporalConvNetPaddingForKernel3", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class TemporalBlock : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv;

                public TemporalBlock(long channels, long kernel, long dilation) : base(nameof(TemporalBlock))
                {
                    // Padding that keeps the length for kernel 3 only.
                    conv = Conv1d(channels, channels, kernel, padding: dilation, dilation: dilation);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var y = functional.relu(conv.forward(x));
                        return ({|CONV010:x + y|}).MoveToOuterDisposeScope();
                    }
                }
            }

            public sealed class Tcn : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();

                public Tcn(long channels, long kernel, int levels) : base(nameof(Tcn))
                {
                    for (var i = 0; i < levels; i++)
                    {
                        blocks.Add(new TemporalBlock(channels, kernel, 1L << i));
                    }

                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    for (var i = 0; i < blocks.Count; i++)
                    {
                        x = blocks[i].forward(x);
                    }

                    return x;
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var tcn = new Tcn(8, 5, 3);
                    var signal = torch.randn(2, 8, 64);
                    tcn.forward(signal);
                }
            }
            """, "CONV010", "audio-1d, module-list, config-loop, block-class, dispose-scope, call-site-input");
    }
}
