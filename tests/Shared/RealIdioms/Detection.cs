using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    // The YOLO-style building blocks (Conv = conv + batch norm + SiLU with "same" padding, a bottleneck, C2f and SPPF),
    // shared by the detector models; {SPPF_HIDDEN} is where one model writes its bug.
    private const string YoloBlocks = """
        public class Conv : Module<Tensor, Tensor>
        {
            private readonly Conv2d conv;
            private readonly BatchNorm2d bn;
            private readonly Module<Tensor, Tensor> act;

            public Conv(long inChannels, long outChannels, long kernel = 1, long stride = 1, long groups = 1) : base(nameof(Conv))
            {
                conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, groups: groups, bias: false);
                bn = BatchNorm2d(outChannels, eps: 0.001, momentum: 0.03);
                act = SiLU();
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                using (NewDisposeScope())
                {
                    return act.forward(bn.forward(conv.forward(x))).MoveToOuterDisposeScope();
                }
            }
        }

        public class Bottleneck : Module<Tensor, Tensor>
        {
            private readonly Conv cv1;
            private readonly Conv cv2;
            private readonly bool add;

            public Bottleneck(long inChannels, long outChannels, bool shortcut = true) : base(nameof(Bottleneck))
            {
                cv1 = new Conv(inChannels, outChannels, 3, 1);
                cv2 = new Conv(outChannels, outChannels, 3, 1);
                add = shortcut && inChannels == outChannels;
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                using (NewDisposeScope())
                {
                    var y = cv2.forward(cv1.forward(x));
                    return (add ? x + y : y).MoveToOuterDisposeScope();
                }
            }
        }

        public class C2f : Module<Tensor, Tensor>
        {
            private readonly Conv cv1;
            private readonly Conv cv2;
            private readonly ModuleList<Module<Tensor, Tensor>> m = new ModuleList<Module<Tensor, Tensor>>();

            public C2f(long inChannels, long outChannels, int n = 1, bool shortcut = false) : base(nameof(C2f))
            {
                var c = outChannels / 2;
                cv1 = new Conv(inChannels, 2 * c, 1, 1);
                cv2 = new Conv((2 + n) * c, outChannels, 1);
                for (var i = 0; i < n; i++)
                {
                    m.Add(new Bottleneck(c, c, shortcut));
                }

                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                using (NewDisposeScope())
                {
                    var parts = cv1.forward(x).chunk(2, 1);
                    var ys = new List<Tensor> { parts[0], parts[1] };
                    foreach (var block in m)
                    {
                        ys.Add(block.forward(ys[ys.Count - 1]));
                    }

                    return cv2.forward(torch.cat(ys, 1)).MoveToOuterDisposeScope();
                }
            }
        }

        public class Sppf : Module<Tensor, Tensor>
        {
            private readonly Conv cv1;
            private readonly Conv cv2;
            private readonly MaxPool2d pool;

            public Sppf(long inChannels, long outChannels, long kernel = 5) : base(nameof(Sppf))
            {
                var hidden = inChannels / 2;
                cv1 = new Conv(inChannels, hidden, 1, 1);
                cv2 = new Conv({SPPF_HIDDEN}, outChannels, 1, 1);
                pool = MaxPool2d(kernel, stride: 1, padding: kernel / 2);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                using (NewDisposeScope())
                {
                    x = cv1.forward(x);
                    var y1 = pool.forward(x);
                    var y2 = pool.forward(y1);
                    var y3 = pool.forward(y2);
                    return cv2.forward(torch.cat(new[] { x, y1, y2, y3 }, 1)).MoveToOuterDisposeScope();
                }
            }
        }

        """;

    private const string YoloUsings = """
        using System.Collections.Generic;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    private static string Yolo(string model, string sppfHidden = "hidden * 4") =>
        YoloUsings + YoloBlocks.Replace("{SPPF_HIDDEN}", sppfHidden) + model;

    private static IEnumerable<RealIdiomModel> Detection()
    {
        yield return new RealIdiomModel("YoloBackboneC2fSppf", Yolo("""
            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public class TinyYolo : Module<Tensor, Tensor>
            {
                private readonly Sequential backbone;
                private readonly Conv2d detect;

                public TinyYolo(long classes = 2) : base(nameof(TinyYolo))
                {
                    backbone = Sequential(
                        new Conv(3, 8, 3, 2),
                        new Conv(8, 16, 3, 2),
                        new C2f(16, 16, 1, true),
                        new Conv(16, 32, 3, 2),
                        new C2f(32, 32, 1, true),
                        new Sppf(32, 32));
                    detect = Conv2d(32, 3 * (5 + classes), 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (NewDisposeScope())
                    {
                        return detect.forward(backbone.forward(x)).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new TinyYolo();
                    model.eval();
                    model.forward(torch.zeros(1, 3, 32, 32));
                }
            }
            """), null, "block-class, module-list, dispose-scope, input-attribute");

        yield return new RealIdiomModel("YoloNeckConcatCountedWrong", Yolo("""
            public class TinyFpn : Module<Tensor, Tensor>
            {
                private readonly Sequential stem;
                private readonly Sequential p3;
                private readonly Sequential p4;
                private readonly C2f fuse;
                private readonly Conv2d head;

                public TinyFpn() : base(nameof(TinyFpn))
                {
                    stem = Sequential(new Conv(3, 8, 3, 2), new Conv(8, 16, 3, 2));
                    p3 = Sequential(new Conv(16, 16, 3, 2), new C2f(16, 16));
                    p4 = Sequential(new Conv(16, 32, 3, 2), new C2f(32, 32));
                    // The upsampled P4 (32 channels) joined with P3 (16 channels) has 48 channels.
                    fuse = new C2f({|CONV004:64|}, 16);
                    head = Conv2d(16, 18, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (NewDisposeScope())
                    {
                        var f3 = p3.forward(stem.forward(x));
                        var f4 = p4.forward(f3);
                        var up = functional.interpolate(f4, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
                        var y = fuse.forward(torch.cat(new List<Tensor> { up, f3 }, 1));
                        return head.forward(y).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new TinyFpn();
                    var image = torch.zeros(1, 3, 64, 64);
                    model.forward(image);
                }
            }
            """), "CONV004", "block-class, interpolate, dispose-scope, call-site-input");

        yield return new RealIdiomModel("DetectorHeadsInModuleDict", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class Detector : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> backbone;
                private readonly ModuleDict<Module<Tensor, Tensor>> heads = new ModuleDict<Module<Tensor, Tensor>>();

                public Detector() : base(nameof(Detector))
                {
                    backbone = Sequential(Stage(3, 16), Stage(16, 32));
                    heads.Add(("cls", Conv2d(32, 5, 1)));
                    heads.Add(("box", Conv2d(32, 4, 1)));
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> Stage(long inChannels, long outChannels) =>
                    Sequential(Conv2d(inChannels, outChannels, 3, stride: 2, padding: 1), BatchNorm2d(outChannels), ReLU());

                public override Tensor forward(Tensor x)
                {
                    var features = backbone.forward(x);
                    var cls = heads["cls"].forward(features);
                    var box = heads["box"].forward(features);
                    var y = torch.cat(new[] { cls, box }, 1);
                    return y.permute(0, 2, 3, 1).reshape(y.shape[0], -1, 9);
                }
            }

            public static class Program
            {
                public static void Run() => new Detector().forward(torch.zeros(2, 3, 32, 32));
            }
            """, null, "module-dict, helper-method, view-head, input-attribute");

        yield return new RealIdiomModel("DetectorHeadsSizedForWiderBackbone", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Detector : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> backbone;
                private readonly ModuleDict<Module<Tensor, Tensor>> heads = new ModuleDict<Module<Tensor, Tensor>>();

                public Detector(long classes) : base(nameof(Detector))
                {
                    backbone = Sequential(
                        Conv2d(3, 16, 3, stride: 2, padding: 1), ReLU(),
                        Conv2d(16, 32, 3, stride: 2, padding: 1), ReLU());
                    foreach (var (name, outputs) in new[] { ("cls", classes), ("box", 4L) })
                    {
                        heads.Add((name, {|CONV004:Conv2d(64, outputs, 1)|}));
                    }

                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    var features = backbone.forward(x);
                    return torch.cat(new[] { heads["cls"].forward(features), heads["box"].forward(features) }, 1);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var detector = new Detector(3);
                    var batch = torch.randn(2, 3, 32, 32);
                    detector.forward(batch);
                }
            }
            """, "CONV004", "module-dict, config-loop, call-site-input");

        yield return new RealIdiomModel("YoloConfiguredByOptionsRecord", Yolo("""
            public sealed record YoloConfig(long Width, int Depth, long Classes, int Anchors);

            public class ConfiguredYolo : Module<Tensor, Tensor>
            {
                private readonly Sequential layers = Sequential();
                private readonly Conv2d detect;

                public ConfiguredYolo(YoloConfig config) : base(nameof(ConfiguredYolo))
                {
                    layers.append(new Conv(3, config.Width, 3, 2));
                    var channels = config.Width;
                    for (var i = 0; i < 2; i++)
                    {
                        layers.append(new Conv(channels, channels * 2, 3, 2));
                        layers.append(new C2f(channels * 2, channels * 2, config.Depth, true));
                        channels *= 2;
                    }

                    detect = Conv2d(channels, config.Anchors * (5 + config.Classes), 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => detect.forward(layers.forward(x));
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new ConfiguredYolo(new YoloConfig(Width: 8, Depth: 1, Classes: 3, Anchors: 3));
                    var x = torch.zeros(1, 3, 32, 32);
                    model.forward(x);
                }
            }
            """), null, "options-object, block-class, config-loop, module-list, dispose-scope, call-site-input");

        yield return new RealIdiomModel("YoloSppfJoinsFourCountsThree", Yolo("""
            public class SppfHead : Module<Tensor, Tensor>
            {
                private readonly Sequential body;

                public SppfHead() : base(nameof(SppfHead))
                {
                    body = Sequential(new Conv(3, 16, 3, 2), new Conv(16, 32, 3, 2), new Sppf(32, 32), new Conv(32, 8, 1));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new SppfHead();
                    var x = torch.zeros(1, 3, 32, 32);
                    model.forward(x);
                }
            }
            """, "{|CONV004:hidden * 3|}"), "CONV004", "block-class, dispose-scope, call-site-input");
    }
}
