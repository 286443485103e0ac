using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    /// <summary>
    /// Newer C# in model code: positional records as options (and their deconstruction), <c>^1</c>, tuple assignments.
    /// (Primary constructors are read too, but a module class with one cannot call RegisterComponents in a constructor.)
    /// </summary>
    private static IEnumerable<RealIdiomModel> Language()
    {
        yield return new RealIdiomModel("MobileNetFromRecordOptions", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed record NetOptions(long[] Planes, long[] Strides, long Classes);

            public sealed class DepthwiseSeparable : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> depthwise;
                private readonly Module<Tensor, Tensor> pointwise;
                private readonly Module<Tensor, Tensor> norm;

                public DepthwiseSeparable(long inPlanes, long outPlanes, long stride) : base(nameof(DepthwiseSeparable))
                {
                    (depthwise, pointwise, norm) = (
                        Conv2d(inPlanes, inPlanes, 3, stride: stride, padding: 1, groups: inPlanes, bias: false),
                        Conv2d(inPlanes, outPlanes, 1, bias: false),
                        BatchNorm2d(outPlanes));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => functional.relu(norm.forward(pointwise.forward(depthwise.forward(x))));
            }

            public sealed class TinyMobileNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> features;
                private readonly Module<Tensor, Tensor> classifier;

                public TinyMobileNet(NetOptions options) : base(nameof(TinyMobileNet))
                {
                    var blocks = new List<Module<Tensor, Tensor>> { Conv2d(3, 8, 3, padding: 1) };
                    var inPlanes = 8L;
                    for (var i = 0; i < options.Planes.Length; i++)
                    {
                        var (planes, stride) = (options.Planes[i], options.Strides[i]);
                        blocks.Add(new DepthwiseSeparable(inPlanes, planes, stride));
                        inPlanes = planes;
                    }

                    features = Sequential(blocks);
                    classifier = Sequential(Flatten(), Linear(options.Planes[^1] * 2 * 2, options.Classes));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => classifier.forward(functional.adaptive_avg_pool2d(features.forward(x), 2));
            }

            public static class Program
            {
                public static void Run()
                {
                    var options = new NetOptions(Planes: new long[] { 16, 32, 64 }, Strides: new long[] { 2, 2, 1 }, Classes: 10);
                    using var images = torch.rand(2, 3, 32, 32);
                    new TinyMobileNet(options).forward(images);
                }
            }
            """, null, "options-object, block-class, config-loop, call-site-input");

        yield return new RealIdiomModel("DecoderFromRecordOptionsLastWidthWrong", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed record DecoderOptions(long Latent, long[] Widths);

            public sealed class UpStage : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> up;

                public UpStage(long inChannels, long outChannels) : base(nameof(UpStage))
                {
                    up = ConvTranspose2d(inChannels, outChannels, 4, stride: 2, padding: 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => functional.relu(up.forward(x));
            }

            public sealed class Decoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> project;
                private readonly Module<Tensor, Tensor> unflatten;
                private readonly Module<Tensor, Tensor> stages;
                private readonly Module<Tensor, Tensor> toImage;

                public Decoder(DecoderOptions options) : base(nameof(Decoder))
                {
                    var (latent, widths) = options;
                    project = Linear(latent, widths[0] * 4 * 4);
                    unflatten = Unflatten(1, new long[] { widths[0], 4, 4 });
                    stages = Sequential(new UpStage(widths[0], widths[1]), new UpStage(widths[1], widths[2]));
                    // The last stage gives widths[^1] channels; the image layer takes widths[0], the width passed first.
                    toImage = Conv2d(widths[0], 3, 3, padding: 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor z) => functional.sigmoid(toImage.forward(stages.forward(unflatten.forward(project.forward(z)))));
            }

            public static class Program
            {
                public static void Run()
                {
                    var decoder = new Decoder(new DecoderOptions(16, new long[] { {|CONV004:32|}, 16, 8 }));
                    var z = torch.randn(2, 16);
                    decoder.forward(z);
                }
            }
            """, "CONV004", "options-object, block-class, call-site-input");

        yield return new RealIdiomModel("ResNetFromStaticFactories", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class BasicBlock : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body;
                private readonly Module<Tensor, Tensor> shortcut;

                public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
                {
                    body = Sequential(
                        Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false), BatchNorm2d(planes), ReLU(),
                        Conv2d(planes, planes, 3, padding: 1, bias: false), BatchNorm2d(planes));
                    shortcut = stride != 1 || inPlanes != planes
                        ? Sequential(Conv2d(inPlanes, planes, 1, stride: stride, bias: false), BatchNorm2d(planes))
                        : Sequential();
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => functional.relu(body.forward(x) + shortcut.forward(x));
            }

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class ResNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> stem = Sequential(Conv2d(3, 16, 3, padding: 1, bias: false), BatchNorm2d(16), ReLU());
                private readonly Module<Tensor, Tensor> stages;
                private readonly Module<Tensor, Tensor> head;

                private ResNet(IReadOnlyList<int> blocks, long classes) : base(nameof(ResNet))
                {
                    var modules = new List<Module<Tensor, Tensor>>();
                    var inPlanes = 16L;
                    var planes = new long[] { 16, 32, 64 };
                    for (var stage = 0; stage < planes.Length; stage++)
                    {
                        for (var b = 0; b < blocks[stage]; b++)
                        {
                            modules.Add(new BasicBlock(inPlanes, planes[stage], b == 0 && stage > 0 ? 2 : 1));
                            inPlanes = planes[stage];
                        }
                    }

                    stages = Sequential(modules);
                    head = Linear(planes[^1], classes);
                    RegisterComponents();
                }

                public static ResNet ResNet8(long classes) => new ResNet(new[] { 1, 1, 1 }, classes);

                public static ResNet ResNet14(long classes) => new ResNet(new[] { 2, 2, 2 }, classes);

                public override Tensor forward(Tensor x) =>
                    head.forward(functional.adaptive_avg_pool2d(stages.forward(stem.forward(x)), 1).flatten(1));
            }

            public static class Program
            {
                public static void Run()
                {
                    ResNet.ResNet8(10).forward(torch.zeros(2, 3, 32, 32));
                    ResNet.ResNet14(10).forward(torch.zeros(2, 3, 32, 32));
                }
            }
            """, null, "block-class, config-loop, sequential-list, input-attribute, call-site-input");
    }
}
