using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    private static IEnumerable<RealIdiomModel> Classifiers()
    {
        yield return new RealIdiomModel("ResNetBasicStages", """
            using System;
            using System.Collections.Generic;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class BasicBlock : Module<Tensor, Tensor>
            {
                public const long Expansion = 1;
                private readonly Module<Tensor, Tensor> conv1;
                private readonly Module<Tensor, Tensor> bn1;
                private readonly Module<Tensor, Tensor> conv2;
                private readonly Module<Tensor, Tensor> bn2;
                private readonly Module<Tensor, Tensor> shortcut;

                public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
                {
                    conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
                    bn1 = BatchNorm2d(planes);
                    conv2 = Conv2d(planes, planes, 3, padding: 1, bias: false);
                    bn2 = BatchNorm2d(planes);
                    shortcut = stride != 1 || inPlanes != planes * Expansion
                        ? Sequential(Conv2d(inPlanes, planes * Expansion, 1, stride: stride, bias: false), BatchNorm2d(planes * Expansion))
                        : Sequential();
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    var y = functional.relu(bn1.forward(conv1.forward(x)));
                    y = bn2.forward(conv2.forward(y));
                    return functional.relu(y + shortcut.forward(x));
                }
            }

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class ResNetMini : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> stem = Sequential(Conv2d(3, 16, 3, padding: 1, bias: false), BatchNorm2d(16), ReLU());
                private readonly Sequential layers;
                private readonly Module<Tensor, Tensor> pool = AdaptiveAvgPool2d(1);
                private readonly Module<Tensor, Tensor> fc = Linear(64, 10);
                private long inPlanes = 16;

                public ResNetMini() : base(nameof(ResNetMini))
                {
                    var blocks = new List<Module<Tensor, Tensor>>();
                    MakeLayer(blocks, 16, 2, 1);
                    MakeLayer(blocks, 32, 2, 2);
                    MakeLayer(blocks, 64, 2, 2);
                    layers = Sequential(blocks);
                    RegisterComponents();
                }

                private void MakeLayer(List<Module<Tensor, Tensor>> blocks, long planes, int count, long stride)
                {
                    for (var i = 0; i < count; i++)
                    {
                        blocks.Add(new BasicBlock(inPlanes, planes, i == 0 ? stride : 1));
                        inPlanes = planes * BasicBlock.Expansion;
                    }
                }

                public override Tensor forward(Tensor input)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var x = layers.forward(stem.forward(input));
                        x = pool.forward(x).view(x.shape[0], -1);
                        return fc.forward(x).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    using var model = new ResNetMini();
                    model.forward(torch.zeros(2, 3, 32, 32));
                }
            }
            """, null, "block-class, helper-method, sequential-list, dispose-scope, view-head, input-attribute");

        yield return new RealIdiomModel("ResNetBottleneckHeadSizedFor16", """
            using System;
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Bottleneck : Module<Tensor, Tensor>
            {
                public const long Expansion = 4;
                private readonly Module<Tensor, Tensor> layers;
                private readonly Module<Tensor, Tensor> shortcut;

                public Bottleneck(long inPlanes, long planes, long stride) : base(nameof(Bottleneck))
                {
                    var modules = new List<(string, Module<Tensor, Tensor>)>();
                    modules.Add(("conv1", Conv2d(inPlanes, planes, 1, bias: false)));
                    modules.Add(("bn1", BatchNorm2d(planes)));
                    modules.Add(("relu1", ReLU()));
                    modules.Add(("conv2", Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false)));
                    modules.Add(("bn2", BatchNorm2d(planes)));
                    modules.Add(("relu2", ReLU()));
                    modules.Add(("conv3", Conv2d(planes, Expansion * planes, 1, bias: false)));
                    modules.Add(("bn3", BatchNorm2d(Expansion * planes)));
                    layers = Sequential(modules);
                    shortcut = stride != 1 || inPlanes != Expansion * planes
                        ? Sequential(("conv", Conv2d(inPlanes, Expansion * planes, 1, stride: stride, bias: false)), ("bn", BatchNorm2d(Expansion * planes)))
                        : Sequential();
                    RegisterComponents();
                }

                public override Tensor forward(Tensor t)
                {
                    var x = layers.forward(t);
                    var y = shortcut.forward(t);
                    return x.add_(y).relu_();
                }
            }

            public sealed class ResNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> layers;
                private long inPlanes = 16;

                public ResNet(Func<long, long, long, Module<Tensor, Tensor>> block, long expansion, int[] numBlocks, long numClasses) : base(nameof(ResNet))
                {
                    var modules = new List<(string, Module<Tensor, Tensor>)>();
                    modules.Add(("conv2d-first", Conv2d(3, 16, 3, padding: 1, bias: false)));
                    modules.Add(("bnrm2d-first", BatchNorm2d(16)));
                    modules.Add(("relu-first", ReLU()));
                    MakeLayer(modules, block, expansion, 8, numBlocks[0], 1);
                    MakeLayer(modules, block, expansion, 16, numBlocks[1], 2);
                    MakeLayer(modules, block, expansion, 32, numBlocks[2], 2);
                    modules.Add(("avgpool", AvgPool2d(4)));
                    modules.Add(("flatten", Flatten()));
                    modules.Add(("linear", {|CONV004:Linear(32 * expansion, numClasses)|}));
                    layers = Sequential(modules);
                    RegisterComponents();
                }

                private void MakeLayer(List<(string, Module<Tensor, Tensor>)> modules, Func<long, long, long, Module<Tensor, Tensor>> block, long expansion, long planes, int count, long stride)
                {
                    for (var i = 0; i < count; i++)
                    {
                        modules.Add(($"blck-{planes}-{i}", block(inPlanes, planes, i == 0 ? stride : 1)));
                        inPlanes = planes * expansion;
                    }
                }

                public override Tensor forward(Tensor input) => layers.forward(input);
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new ResNet((inPlanes, planes, stride) => new Bottleneck(inPlanes, planes, stride), Bottleneck.Expansion, new[] { 1, 1, 1 }, 10);
                    var x = torch.randn(2, 3, 64, 64);
                    model.forward(x);
                }
            }
            """, "CONV004", "block-class, lambda, helper-method, sequential-list, view-head, call-site-input");

        yield return new RealIdiomModel("VggConfigWithPoolMarkers", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public class Vgg : Module<Tensor, Tensor>
            {
                // -1 marks a max-pool, as "M" does in the PyTorch configs.
                private static readonly int[] Config = { 8, -1, 16, -1, 32, 32, -1 };
                private readonly Module<Tensor, Tensor> features;
                private readonly Module<Tensor, Tensor> classifier;

                public Vgg(long numClasses = 10) : base(nameof(Vgg))
                {
                    var layers = new List<(string, Module<Tensor, Tensor>)>();
                    long inChannels = 3;
                    for (var i = 0; i < Config.Length; i++)
                    {
                        if (Config[i] == -1)
                        {
                            layers.Add(($"pool{i}", MaxPool2d(kernel_size: 2, stride: 2)));
                        }
                        else
                        {
                            layers.Add(($"conv{i}", Conv2d(inChannels, Config[i], kernel_size: 3, padding: 1)));
                            layers.Add(($"bn{i}", BatchNorm2d(Config[i])));
                            layers.Add(($"relu{i}", ReLU(inplace: true)));
                            inChannels = Config[i];
                        }
                    }

                    features = Sequential(layers);
                    classifier = Sequential(Flatten(), Linear(32 * 4 * 4, 64), ReLU(), Dropout(0.5), Linear(64, numClasses));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => classifier.forward(features.forward(x));
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new Vgg();
                    model.eval();
                    model.forward(torch.zeros(1, 3, 32, 32));
                }
            }
            """, null, "config-loop, sequential-list, view-head, input-attribute");

        yield return new RealIdiomModel("VggStagesFromChannelPairs", """
            using System.Collections.Generic;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public class StagedVgg : Module<Tensor, Tensor>
            {
                private static readonly (long In, long Out)[] Stages = { (3, 8), (8, 16), ({|CONV004:8|}, 32) };
                private readonly ModuleList<Module<Tensor, Tensor>> stages = new ModuleList<Module<Tensor, Tensor>>();
                private readonly Module<Tensor, Tensor> head;

                public StagedVgg(long numClasses) : base(nameof(StagedVgg))
                {
                    foreach (var (inChannels, outChannels) in Stages)
                    {
                        stages.Add(Sequential(
                            Conv2d(inChannels, outChannels, 3, padding: 1),
                            ReLU(),
                            Conv2d(outChannels, outChannels, 3, padding: 1),
                            ReLU()));
                    }

                    head = Linear(32, numClasses);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    foreach (var stage in stages)
                    {
                        x = functional.max_pool2d(stage.forward(x), 2);
                    }

                    return head.forward(functional.adaptive_avg_pool2d(x, 1).flatten(1));
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new StagedVgg(5);
                    var images = torch.randn(2, 3, 32, 32);
                    model.forward(images);
                }
            }
            """, "CONV004", "config-loop, module-list, functional-pool, view-head, call-site-input");

        yield return new RealIdiomModel("MobileNetV2InvertedResiduals", """
            using System;
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;

            public sealed class InvertedResidual : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv;
                private readonly bool useResConnect;

                public InvertedResidual(long inp, long oup, long stride, long expandRatio, Func<long, nn.Module<Tensor, Tensor>> normLayer) : base(nameof(InvertedResidual))
                {
                    var hidden = inp * expandRatio;
                    useResConnect = stride == 1 && inp == oup;
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    if (expandRatio != 1)
                    {
                        layers.Add(nn.Conv2d(inp, hidden, 1, bias: false));
                        layers.Add(normLayer(hidden));
                        layers.Add(nn.ReLU6());
                    }

                    layers.Add(nn.Conv2d(hidden, hidden, 3, stride: stride, padding: 1, groups: hidden, bias: false));
                    layers.Add(normLayer(hidden));
                    layers.Add(nn.ReLU6());
                    layers.Add(nn.Conv2d(hidden, oup, 1, bias: false));
                    layers.Add(normLayer(oup));
                    conv = nn.Sequential(layers);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => useResConnect ? x + conv.call(x) : conv.call(x);
            }

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class MobileNetV2Lite : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> features;
                private readonly nn.Module<Tensor, Tensor> classifier;

                public MobileNetV2Lite() : base(nameof(MobileNetV2Lite))
                {
                    Func<long, nn.Module<Tensor, Tensor>> norm = channels => nn.BatchNorm2d(channels);
                    var settings = new long[][]
                    {
                        // t, c, n, s
                        new long[] { 1, 8, 1, 1 },
                        new long[] { 4, 12, 2, 2 },
                        new long[] { 4, 16, 2, 2 },
                    };
                    long inputChannel = 8;
                    var layers = new List<nn.Module<Tensor, Tensor>> { nn.Conv2d(3, inputChannel, 3, stride: 2, padding: 1, bias: false), norm(inputChannel), nn.ReLU6() };
                    foreach (var row in settings)
                    {
                        long t = row[0], c = row[1], n = row[2], s = row[3];
                        for (var i = 0; i < n; i++)
                        {
                            layers.Add(new InvertedResidual(inputChannel, c, i == 0 ? s : 1, t, norm));
                            inputChannel = c;
                        }
                    }

                    layers.Add(nn.Conv2d(inputChannel, 32, 1, bias: false));
                    layers.Add(norm(32));
                    layers.Add(nn.ReLU6());
                    features = nn.Sequential(layers);
                    classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(32, 10));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var y = features.call(x);
                        y = nn.functional.adaptive_avg_pool2d(y, 1);
                        y = torch.flatten(y, 1);
                        return classifier.call(y).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run() => new MobileNetV2Lite().call(torch.zeros(2, 3, 32, 32));
            }
            """, null, "block-class, lambda, config-loop, sequential-list, dispose-scope, functional-pool, view-head, input-attribute");

        yield return new RealIdiomModel("MobileNetResidualAcrossStride", """
            using System;
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;

            public sealed class MobileNetOptions
            {
                public long Classes { get; set; } = 10;
                public long StemChannels { get; set; } = 8;
                public long[][] Settings { get; set; } = Array.Empty<long[]>();
            }

            public sealed class InvertedResidual : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv;
                private readonly bool useResConnect;

                public InvertedResidual(long inp, long oup, long stride, long expandRatio, Func<long, nn.Module<Tensor, Tensor>> normLayer) : base(nameof(InvertedResidual))
                {
                    var hidden = inp * expandRatio;
                    // The residual needs stride 1 as well; this port only compares the channels.
                    useResConnect = inp == oup;
                    conv = nn.Sequential(
                        nn.Conv2d(inp, hidden, 1, bias: false), normLayer(hidden), nn.ReLU6(),
                        nn.Conv2d(hidden, hidden, 3, stride: stride, padding: 1, groups: hidden, bias: false), normLayer(hidden), nn.ReLU6(),
                        nn.Conv2d(hidden, oup, 1, bias: false), normLayer(oup));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    if (useResConnect)
                    {
                        return {|CONV010:x + conv.call(x)|};
                    }

                    return conv.call(x);
                }
            }

            public sealed class MobileNet : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> features;
                private readonly nn.Module<Tensor, Tensor> classifier;

                public MobileNet(MobileNetOptions options) : base(nameof(MobileNet))
                {
                    Func<long, nn.Module<Tensor, Tensor>> norm = channels => nn.BatchNorm2d(channels);
                    var layers = new List<nn.Module<Tensor, Tensor>> { nn.Conv2d(3, options.StemChannels, 3, stride: 2, padding: 1, bias: false), norm(options.StemChannels), nn.ReLU6() };
                    var inputChannel = options.StemChannels;
                    foreach (var row in options.Settings)
                    {
                        for (var i = 0; i < row[2]; i++)
                        {
                            layers.Add(new InvertedResidual(inputChannel, row[1], i == 0 ? row[3] : 1, row[0], norm));
                            inputChannel = row[1];
                        }
                    }

                    features = nn.Sequential(layers);
                    classifier = nn.Linear(inputChannel, options.Classes);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => classifier.call(nn.functional.adaptive_avg_pool2d(features.call(x), 1).flatten(1));
            }

            public static class Program
            {
                public static void Run()
                {
                    var options = new MobileNetOptions
                    {
                        Classes = 4,
                        StemChannels = 8,
                        Settings = new[] { new long[] { 2, 16, 1, 1 }, new long[] { 2, 16, 1, 2 } },
                    };
                    var model = new MobileNet(options);
                    using var x = torch.randn(1, 3, 32, 32);
                    model.forward(x);
                }
            }
            """, "CONV010", "block-class, lambda, options-object, config-loop, sequential-list, functional-pool, call-site-input");

        yield return new RealIdiomModel("MnistFunctionalPoolAndView", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            using static TorchSharp.torch.nn.functional;

            [ConvAnalyzers.InputShape(4, 1, 28, 28)]
            public class MnistNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv1 = Conv2d(1, 8, 3);
                private readonly Module<Tensor, Tensor> conv2 = Conv2d(8, 16, 3);
                private readonly Module<Tensor, Tensor> fc1 = Linear(16 * 12 * 12, 32);
                private readonly Module<Tensor, Tensor> fc2 = Linear(32, 10);

                public MnistNet() : base("MnistNet")
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input)
                {
                    var x = relu(conv1.forward(input));
                    x = relu(conv2.forward(x));
                    x = max_pool2d(x, 2);
                    x = dropout(x, 0.25, training);
                    x = x.view(x.shape[0], -1);
                    x = relu(fc1.forward(x));
                    return log_softmax(fc2.forward(x), 1);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new MnistNet();
                    model.forward(torch.zeros(4, 1, 28, 28));
                }
            }
            """, null, "functional-pool, view-head, input-attribute");

        yield return new RealIdiomModel("MnistLinearSizedForOnePool", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            using static TorchSharp.torch.nn.functional;

            public class MnistNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv1 = Conv2d(1, 8, 3);
                private readonly Module<Tensor, Tensor> conv2 = Conv2d(8, 16, 3);
                private readonly Module<Tensor, Tensor> fc1 = {|CONV004:Linear(16 * 12 * 12, 32)|};
                private readonly Module<Tensor, Tensor> fc2 = Linear(32, 10);

                public MnistNet() : base("MnistNet")
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input)
                {
                    var x = max_pool2d(relu(conv1.forward(input)), 2);
                    x = max_pool2d(relu(conv2.forward(x)), 2);
                    x = x.flatten(1);
                    return fc2.forward(relu(fc1.forward(x)));
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new MnistNet();
                    var x = torch.randn(4, 1, 28, 28);
                    model.forward(x);
                }
            }
            """, "CONV004", "functional-pool, view-head, call-site-input");

        yield return new RealIdiomModel("ClassifierFromOptionsObject", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class ClassifierOptions
            {
                public long InChannels { get; set; } = 3;
                public long[] Widths { get; set; } = new long[] { 16 };
                public long Classes { get; set; } = 10;
                public double Dropout { get; set; } = 0.1;
            }

            public sealed class OptionsNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body;
                private readonly Module<Tensor, Tensor> head;

                public OptionsNet(ClassifierOptions options) : base(nameof(OptionsNet))
                {
                    var layers = new List<Module<Tensor, Tensor>>();
                    var channels = options.InChannels;
                    foreach (var width in options.Widths)
                    {
                        layers.Add(Conv2d(channels, width, 3, stride: 2, padding: 1));
                        layers.Add(BatchNorm2d(width));
                        layers.Add(LeakyReLU(0.1));
                        channels = width;
                    }

                    body = Sequential(layers);
                    head = Sequential(Dropout(options.Dropout), Linear(options.Widths[options.Widths.Length - 1], options.Classes));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    var features = functional.adaptive_avg_pool2d(body.forward(x), new long[] { 1, 1 });
                    return head.forward(features.flatten(1));
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var net = new OptionsNet(new ClassifierOptions { InChannels = 3, Widths = new long[] { 8, 16 }, Classes = 5 });
                    var batch = torch.zeros(2, 3, 24, 24);
                    net.forward(batch);
                }
            }
            """, null, "options-object, config-loop, sequential-list, functional-pool, view-head, call-site-input");

        yield return new RealIdiomModel("ClassifierOptionsWithGrayscaleStem", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class ClassifierOptions
            {
                public long InChannels { get; set; } = 3;
                public long Width { get; set; } = 16;
                public long Classes { get; set; } = 10;
            }

            public static class Blocks
            {
                public static Module<Tensor, Tensor> ConvBnRelu(long inChannels, long outChannels, long stride) =>
                    Sequential(Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false), BatchNorm2d(outChannels), ReLU());
            }

            public sealed class OptionsNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> stem;
                private readonly Module<Tensor, Tensor> stage;
                private readonly Module<Tensor, Tensor> head;

                public OptionsNet(ClassifierOptions options) : base(nameof(OptionsNet))
                {
                    stem = Blocks.ConvBnRelu(options.InChannels, options.Width, 1);
                    stage = Blocks.ConvBnRelu(options.Width, options.Width * 2, 2);
                    head = Linear(options.Width * 2, options.Classes);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    var y = stage.forward(stem.forward(x));
                    return head.forward(y.mean(new long[] { 2, 3 }));
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var net = new OptionsNet(new ClassifierOptions { InChannels = {|CONV004:1|}, Width = 8, Classes = 3 });
                    var rgb = torch.zeros(2, 3, 16, 16);
                    net.forward(rgb);
                }
            }
            """, "CONV004", "options-object, helper-method, call-site-input");

        yield return new RealIdiomModel("ResNetNamedBlocksFromLambda", """
            using System;
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class BasicBlock : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> layers;
                private readonly Module<Tensor, Tensor> shortcut;

                public BasicBlock(string name, long inPlanes, long planes, long stride) : base(name)
                {
                    layers = Sequential(
                        ($"{name}-conv2d-1", Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false)),
                        ($"{name}-bnrm2d-1", BatchNorm2d(planes)),
                        ($"{name}-relu-1", ReLU(inplace: true)),
                        ($"{name}-conv2d-2", Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false)),
                        ($"{name}-bnrm2d-2", BatchNorm2d(planes)));
                    shortcut = stride != 1 || inPlanes != planes
                        ? Sequential(($"{name}-conv2d-3", Conv2d(inPlanes, planes, 1, stride: stride, bias: false)), ($"{name}-bnrm2d-3", BatchNorm2d(planes)))
                        : Sequential();
                    RegisterComponents();
                }

                public override Tensor forward(Tensor t) => layers.forward(t).add_(shortcut.forward(t)).relu_();
            }

            public sealed class ResNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> layers;

                public ResNet(string name, Func<string, long, long, long, Module<Tensor, Tensor>> block, long[] planes, long[] strides, long numClasses) : base(name)
                {
                    var modules = new List<(string, Module<Tensor, Tensor>)>();
                    modules.Add(("conv2d-first", Conv2d(3, 8, 3, padding: 1, bias: false)));
                    modules.Add(("bnrm2d-first", BatchNorm2d(8)));
                    modules.Add(("relu-first", ReLU(inplace: true)));
                    long inPlanes = 8;
                    for (var i = 0; i < planes.Length; i++)
                    {
                        modules.Add(($"blck-{i}", block($"blck-{i}", inPlanes, planes[i], strides[i])));
                        inPlanes = planes[i];
                    }

                    modules.Add(("avgpool", AvgPool2d(new long[] { 4, 4 })));
                    modules.Add(("flatten", Flatten()));
                    modules.Add(("linear", Linear(inPlanes, numClasses)));
                    layers = Sequential(modules);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => layers.forward(input);
            }

            public static class Program
            {
                public static void Run()
                {
                    var model = new ResNet("ResNet6", (name, inPlanes, planes, stride) => new BasicBlock(name, inPlanes, planes, stride),
                        new long[] { 8, 16, 32 }, new long[] { 1, 2, 2 }, 10);
                    var x = torch.randn(2, 3, 16, 16);
                    model.forward(x);
                }
            }
            """, null, "block-class, lambda, config-loop, sequential-list, view-head, call-site-input");

        yield return new RealIdiomModel("ConvBnActHelperChain", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public static class Blocks
            {
                public static Module<Tensor, Tensor> ConvBnAct(long inChannels, long outChannels, long kernel, long stride) =>
                    Sequential(Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: false), BatchNorm2d(outChannels), SiLU());
            }

            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class Backbone : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body = Sequential(
                    Blocks.ConvBnAct(3, 16, 3, 2),
                    Blocks.ConvBnAct({|CONV004:32|}, 64, 3, 2),
                    Blocks.ConvBnAct(64, 64, 1, 1));

                public Backbone() : base(nameof(Backbone))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }

            public static class Program
            {
                public static void Run() => new Backbone().forward(torch.zeros(2, 3, 32, 32));
            }
            """, "CONV004", "helper-method, input-attribute");
    }
}
