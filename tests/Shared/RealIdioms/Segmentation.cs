using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    private static IEnumerable<RealIdiomModel> Segmentation()
    {
        yield return new RealIdiomModel("UNetDoubleConvTwoLevels", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class DoubleConv : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> doubleConv;

                public DoubleConv(long inChannels, long outChannels) : base(nameof(DoubleConv))
                {
                    doubleConv = Sequential(
                        Conv2d(inChannels, outChannels, 3, padding: 1, bias: false),
                        BatchNorm2d(outChannels),
                        ReLU(inplace: true),
                        Conv2d(outChannels, outChannels, 3, padding: 1, bias: false),
                        BatchNorm2d(outChannels),
                        ReLU(inplace: true));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => doubleConv.forward(x);
            }

            [ConvAnalyzers.InputShape(1, 1, 32, 32)]
            public sealed class UNet : Module<Tensor, Tensor>
            {
                private readonly DoubleConv inc = new DoubleConv(1, 8);
                private readonly DoubleConv down1 = new DoubleConv(8, 16);
                private readonly DoubleConv down2 = new DoubleConv(16, 32);
                private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
                private readonly Module<Tensor, Tensor> up1 = ConvTranspose2d(32, 16, 2, stride: 2);
                private readonly DoubleConv conv1 = new DoubleConv(32, 16);
                private readonly Module<Tensor, Tensor> up2 = ConvTranspose2d(16, 8, 2, stride: 2);
                private readonly DoubleConv conv2 = new DoubleConv(16, 8);
                private readonly Module<Tensor, Tensor> outc = Conv2d(8, 2, 1);

                public UNet() : base(nameof(UNet))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var x1 = inc.forward(input);
                        var x2 = down1.forward(pool.forward(x1));
                        var x3 = down2.forward(pool.forward(x2));
                        var x = conv1.forward(torch.cat(new List<Tensor> { up1.forward(x3), x2 }, 1));
                        x = conv2.forward(torch.cat(new List<Tensor> { up2.forward(x), x1 }, 1));
                        return outc.forward(x).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    using var unet = new UNet();
                    unet.forward(torch.zeros(1, 1, 32, 32));
                }
            }
            """, null, "block-class, unet-cat, dispose-scope, input-attribute");

        yield return new RealIdiomModel("UNetUpBlockWithWrongInChannels", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class DoubleConv : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv;

                public DoubleConv(long inChannels, long outChannels) : base(nameof(DoubleConv))
                {
                    conv = Sequential(
                        Conv2d(inChannels, outChannels, 3, padding: 1), ReLU(),
                        Conv2d(outChannels, outChannels, 3, padding: 1), ReLU());
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => conv.forward(x);
            }

            public sealed class Down : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
                private readonly DoubleConv conv;

                public Down(long inChannels, long outChannels) : base(nameof(Down))
                {
                    conv = new DoubleConv(inChannels, outChannels);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => conv.forward(pool.forward(x));
            }

            public sealed class Up : Module<Tensor, Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> up;
                private readonly DoubleConv conv;

                public Up(long inChannels, long outChannels) : base(nameof(Up))
                {
                    up = ConvTranspose2d(inChannels, inChannels / 2, 2, stride: 2);
                    conv = new DoubleConv(inChannels, outChannels);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x, Tensor skip)
                {
                    x = up.forward(x);
                    return conv.forward(torch.cat(new[] { skip, x }, 1));
                }
            }

            public sealed class UNet : Module<Tensor, Tensor>
            {
                private readonly DoubleConv inc;
                private readonly Down down1;
                private readonly Down down2;
                private readonly Down down3;
                private readonly Up up1;
                private readonly Up up2;
                private readonly Up up3;
                private readonly Module<Tensor, Tensor> outc;

                public UNet(long channels, long classes) : base(nameof(UNet))
                {
                    inc = new DoubleConv(channels, 8);
                    down1 = new Down(8, 16);
                    down2 = new Down(16, 32);
                    down3 = new Down(32, 64);
                    up1 = new Up(64, 32);
                    up2 = new Up({|CONV004:48|}, 16);
                    up3 = new Up(16, 8);
                    outc = Conv2d(8, classes, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var x1 = inc.forward(input);
                        var x2 = down1.forward(x1);
                        var x3 = down2.forward(x2);
                        var x4 = down3.forward(x3);
                        var x = up1.forward(x4, x3);
                        x = up2.forward(x, x2);
                        x = up3.forward(x, x1);
                        return outc.forward(x).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new UNet(3, 2);
                    var x = torch.randn(1, 3, 32, 32);
                    model.forward(x);
                }
            }
            """, "CONV004", "block-class, unet-cat, dispose-scope, call-site-input");

        yield return new RealIdiomModel("UNetModuleListsWithInterpolation", """
            using System.Collections.Generic;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            using static TorchSharp.torch.nn.functional;

            public static class Blocks
            {
                public static Module<Tensor, Tensor> DoubleConv(long inChannels, long outChannels) => Sequential(
                    Conv2d(inChannels, outChannels, 3, padding: 1, bias: false), BatchNorm2d(outChannels), ReLU(),
                    Conv2d(outChannels, outChannels, 3, padding: 1, bias: false), BatchNorm2d(outChannels), ReLU());
            }

            public sealed class UNet : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> downs = new ModuleList<Module<Tensor, Tensor>>();
                private readonly ModuleList<Module<Tensor, Tensor>> projections = new ModuleList<Module<Tensor, Tensor>>();
                private readonly ModuleList<Module<Tensor, Tensor>> ups = new ModuleList<Module<Tensor, Tensor>>();
                private readonly Module<Tensor, Tensor> bottleneck;
                private readonly Module<Tensor, Tensor> head;

                public UNet(long inChannels, long outChannels, int[] features) : base(nameof(UNet))
                {
                    var channels = inChannels;
                    foreach (var feature in features)
                    {
                        downs.Add(Blocks.DoubleConv(channels, feature));
                        channels = feature;
                    }

                    bottleneck = Blocks.DoubleConv(channels, channels * 2);
                    channels *= 2;
                    for (var i = features.Length - 1; i >= 0; i--)
                    {
                        projections.Add(Conv2d(channels, features[i], 1));
                        ups.Add(Blocks.DoubleConv(features[i] * 2, features[i]));
                        channels = features[i];
                    }

                    head = Conv2d(features[0], outChannels, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input)
                {
                    var skips = new List<Tensor>();
                    var x = input;
                    for (var i = 0; i < downs.Count; i++)
                    {
                        x = downs[i].forward(x);
                        skips.Add(x);
                        x = max_pool2d(x, 2);
                    }

                    x = bottleneck.forward(x);
                    for (var i = 0; i < ups.Count; i++)
                    {
                        x = interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Bilinear, align_corners: false);
                        x = projections[i].forward(x);
                        x = ups[i].forward(torch.cat(new List<Tensor> { skips[skips.Count - 1 - i], x }, 1));
                    }

                    return head.forward(x);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new UNet(3, 1, new[] { 8, 16 });
                    var x = torch.randn(1, 3, 32, 32);
                    model.forward(x);
                }
            }
            """, null, "module-list, config-loop, helper-method, functional-pool, interpolate, unet-cat, call-site-input");

        yield return new RealIdiomModel("UNetInterpolationOnOddSize", """
            using System.Collections.Generic;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            using static TorchSharp.torch.nn.functional;

            public sealed class UNet : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> downs = new ModuleList<Module<Tensor, Tensor>>();
                private readonly ModuleList<Module<Tensor, Tensor>> ups = new ModuleList<Module<Tensor, Tensor>>();
                private readonly Module<Tensor, Tensor> bottleneck;
                private readonly Module<Tensor, Tensor> head;

                public UNet(long inChannels, long classes, long[] features) : base(nameof(UNet))
                {
                    var channels = inChannels;
                    foreach (var feature in features)
                    {
                        downs.Add(Sequential(Conv2d(channels, feature, 3, padding: 1), ReLU(), Conv2d(feature, feature, 3, padding: 1), ReLU()));
                        channels = feature;
                    }

                    bottleneck = Sequential(Conv2d(channels, channels, 3, padding: 1), ReLU());
                    for (var i = features.Length - 1; i >= 0; i--)
                    {
                        ups.Add(Sequential(Conv2d(channels + features[i], features[i], 3, padding: 1), ReLU()));
                        channels = features[i];
                    }

                    head = Conv2d(channels, classes, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var skips = new List<Tensor>();
                        var x = input;
                        foreach (var down in downs)
                        {
                            x = down.forward(x);
                            skips.Add(x);
                            x = max_pool2d(x, 2);
                        }

                        x = bottleneck.forward(x);
                        for (var i = 0; i < ups.Count; i++)
                        {
                            var up = interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
                            x = ups[i].forward({|CONV010:torch.cat(new List<Tensor> { up, skips[skips.Count - 1 - i] }, 1)|});
                        }

                        return head.forward(x).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new UNet(3, 2, new long[] { 8, 16 });
                    using var scan = torch.randn(1, 3, 30, 30);
                    model.forward(scan);
                }
            }
            """, "CONV010", "module-list, config-loop, functional-pool, interpolate, unet-cat, dispose-scope, call-site-input");

        yield return new RealIdiomModel("UNetHelperMethodsArrayCat", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 1, 16, 16)]
            public sealed class SmallUNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> enc1;
                private readonly Module<Tensor, Tensor> enc2;
                private readonly Module<Tensor, Tensor> enc3;
                private readonly Module<Tensor, Tensor> pool;
                private readonly Module<Tensor, Tensor> up2;
                private readonly Module<Tensor, Tensor> dec2;
                private readonly Module<Tensor, Tensor> up1;
                private readonly Module<Tensor, Tensor> dec1;
                private readonly Module<Tensor, Tensor> final;

                public SmallUNet() : base(nameof(SmallUNet))
                {
                    enc1 = Block(1, 4);
                    enc2 = Block(4, 8);
                    enc3 = Block(8, 16);
                    pool = MaxPool2d(kernel_size: 2, stride: 2);
                    up2 = UpConv(16, 8);
                    dec2 = Block(16, 8);
                    up1 = UpConv(8, 4);
                    dec1 = Block(8, 4);
                    final = Conv2d(4, 1, 1);
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> Block(long inChannels, long features) => Sequential(
                    ("conv1", Conv2d(inChannels, features, 3, padding: 1, bias: false)),
                    ("norm1", BatchNorm2d(features)),
                    ("relu1", ReLU(inplace: true)),
                    ("conv2", Conv2d(features, features, 3, padding: 1, bias: false)),
                    ("norm2", BatchNorm2d(features)),
                    ("relu2", ReLU(inplace: true)));

                private static Module<Tensor, Tensor> UpConv(long inChannels, long outChannels) => ConvTranspose2d(inChannels, outChannels, 2, stride: 2);

                public override Tensor forward(Tensor x)
                {
                    var e1 = enc1.forward(x);
                    var e2 = enc2.forward(pool.forward(e1));
                    var e3 = enc3.forward(pool.forward(e2));
                    var d2 = dec2.forward(torch.cat(new[] { up2.forward(e3), e2 }, dim: 1));
                    var d1 = dec1.forward(torch.cat(new[] { up1.forward(d2), e1 }, dim: 1));
                    return torch.sigmoid(final.forward(d1));
                }
            }

            public static class Program
            {
                public static void Run() => new SmallUNet().forward(torch.zeros(2, 1, 16, 16));
            }
            """, null, "helper-method, unet-cat, sequential-list, input-attribute");

        yield return new RealIdiomModel("EncoderTooDeepForItsInput", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Encoder : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> stages = new ModuleList<Module<Tensor, Tensor>>();
                private readonly ModuleList<Module<Tensor, Tensor>> pools = new ModuleList<Module<Tensor, Tensor>>();

                public Encoder(long inChannels, long baseWidth, int depth) : base(nameof(Encoder))
                {
                    var channels = inChannels;
                    for (var i = 0; i < depth; i++)
                    {
                        stages.Add(Stage(channels, baseWidth << i));
                        pools.Add({|CONV003:MaxPool2d(2)|});
                        channels = baseWidth << i;
                    }

                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> Stage(long inChannels, long outChannels) =>
                    Sequential(Conv2d(inChannels, outChannels, 3, padding: 1), BatchNorm2d(outChannels), ReLU());

                public override Tensor forward(Tensor x)
                {
                    for (var i = 0; i < stages.Count; i++)
                    {
                        x = pools[i].forward(stages[i].forward(x));
                    }

                    return x;
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var encoder = new Encoder(1, 4, 4);
                    var patch = torch.zeros(2, 1, 8, 8);
                    encoder.forward(patch);
                }
            }
            """, "CONV003", "module-list, config-loop, helper-method, call-site-input");

        yield return new RealIdiomModel("UNet3dVolumes", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class ConvBlock3d : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv1;
                private readonly Module<Tensor, Tensor> norm1;
                private readonly Module<Tensor, Tensor> conv2;
                private readonly Module<Tensor, Tensor> norm2;

                public ConvBlock3d(long inChannels, long outChannels) : base(nameof(ConvBlock3d))
                {
                    conv1 = Conv3d(inChannels, outChannels, 3, padding: 1);
                    norm1 = GroupNorm(2, outChannels);
                    conv2 = Conv3d(outChannels, outChannels, 3, padding: 1);
                    norm2 = GroupNorm(2, outChannels);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    x = functional.relu(norm1.forward(conv1.forward(x)));
                    return functional.relu(norm2.forward(conv2.forward(x)));
                }
            }

            [ConvAnalyzers.InputShape(1, 1, 16, 16, 16)]
            public sealed class UNet3d : Module<Tensor, Tensor>
            {
                private readonly ConvBlock3d enc1 = new ConvBlock3d(1, 4);
                private readonly ConvBlock3d enc2 = new ConvBlock3d(4, 8);
                private readonly Module<Tensor, Tensor> pool = MaxPool3d(2);
                private readonly Module<Tensor, Tensor> up = ConvTranspose3d(8, 4, 2, stride: 2);
                private readonly ConvBlock3d dec1 = new ConvBlock3d(8, 4);
                private readonly Module<Tensor, Tensor> head = Conv3d(4, 2, 1);

                public UNet3d() : base(nameof(UNet3d))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor volume)
                {
                    var e1 = enc1.forward(volume);
                    var e2 = enc2.forward(pool.forward(e1));
                    var d1 = dec1.forward(torch.cat(new List<Tensor> { up.forward(e2), e1 }, 1));
                    return head.forward(d1);
                }
            }

            public static class Program
            {
                public static void Run() => new UNet3d().forward(torch.zeros(new long[] { 1, 1, 16, 16, 16 }));
            }
            """, null, "block-class, volume-3d, unet-cat, input-attribute");

        yield return new RealIdiomModel("Autoencoder3dMissingOutputPadding", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class VolumeAutoencoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> encoder = Sequential(
                    Conv3d(1, 4, 3, stride: 2, padding: 1), ReLU(),
                    Conv3d(4, 8, 3, stride: 2, padding: 1), ReLU());
                private readonly Module<Tensor, Tensor> decoder = Sequential(
                    ConvTranspose3d(8, 4, 3, stride: 2, padding: 1, output_padding: 1), ReLU(),
                    {|CONV005:ConvTranspose3d(4, 1, 3, stride: 2, padding: 1)|}, Sigmoid());

                public VolumeAutoencoder() : base(nameof(VolumeAutoencoder))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (var _ = NewDisposeScope())
                    {
                        return decoder.forward(encoder.forward(x)).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new VolumeAutoencoder();
                    using var volume = torch.zeros(new long[] { 1, 1, 16, 16, 16 });
                    model.forward(volume);
                }
            }
            """, "CONV005", "volume-3d, dispose-scope, call-site-input");

        yield return new RealIdiomModel("UNetInterpolateToSkipSize", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class UNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> enc1 = Conv(3, 8);
                private readonly Module<Tensor, Tensor> enc2 = Conv(8, 16);
                private readonly Module<Tensor, Tensor> bottom = Conv(16, 16);
                private readonly Module<Tensor, Tensor> dec2 = Conv(32, 8);
                private readonly Module<Tensor, Tensor> dec1 = Conv(16, 8);
                private readonly Module<Tensor, Tensor> head = Conv2d(8, 1, 1);

                public UNet() : base(nameof(UNet))
                {
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> Conv(long inChannels, long outChannels) =>
                    Sequential(Conv2d(inChannels, outChannels, 3, padding: 1), BatchNorm2d(outChannels), ReLU());

                private static Tensor UpTo(Tensor x, Tensor skip) =>
                    functional.interpolate(x, size: new long[] { skip.shape[2], skip.shape[3] }, mode: InterpolationMode.Nearest);

                public override Tensor forward(Tensor x)
                {
                    var s1 = enc1.forward(x);
                    var s2 = enc2.forward(functional.max_pool2d(s1, 2));
                    var b = bottom.forward(functional.max_pool2d(s2, 2));
                    var d2 = dec2.forward(torch.cat(new List<Tensor> { UpTo(b, s2), s2 }, 1));
                    var d1 = dec1.forward(torch.cat(new List<Tensor> { UpTo(d2, s1), s1 }, 1));
                    return head.forward(d1);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new UNet();
                    var image = torch.randn(1, 3, 30, 30);
                    model.forward(image);
                }
            }
            """, null, "helper-method, interpolate, functional-pool, unet-cat, call-site-input");
    }
}
