using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// Realistic models in the styles people write them (issue: never cry wolf): each has an input shape and must get
/// no Warning or Error; the libtorch tests run each in TorchSharp and compare the output shape the analyzer's
/// propagation predicts.
/// </summary>
public static class RealisticModels
{
    public const string Usings = "using System; using System.Collections.Generic; using TorchSharp; using static TorchSharp.torch;\n";

    public static IReadOnlyDictionary<string, (string Source, long[] Input)> All { get; } = new Dictionary<string, (string, long[])>
    {
        ["ResNetBasicBlock"] = (Usings + """
[ConvAnalyzers.InputShape(4, 64, 56, 56)]
public sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(64, 128, 3, stride: 2, padding: 1, bias: false);
    private readonly nn.Module<Tensor, Tensor> bn1 = nn.BatchNorm2d(128);
    private readonly nn.Module<Tensor, Tensor> conv2 = nn.Conv2d(128, 128, 3, padding: 1, bias: false);
    private readonly nn.Module<Tensor, Tensor> bn2 = nn.BatchNorm2d(128);
    private readonly nn.Module<Tensor, Tensor> shortcut = nn.Sequential(nn.Conv2d(64, 128, 1, stride: 2, bias: false), nn.BatchNorm2d(128));
    public ResNetBasicBlock() : base(nameof(ResNetBasicBlock))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        return nn.functional.relu(y + shortcut.forward(x));
    }
}
""", new long[] { 4, 64, 56, 56 }),
        ["ResNetBottleneck"] = (Usings + """
[ConvAnalyzers.InputShape(2, 256, 28, 28)]
public sealed class ResNetBottleneck : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> reduce = nn.Sequential(nn.Conv2d(256, 64, 1), nn.BatchNorm2d(64), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> spatial = nn.Sequential(nn.Conv2d(64, 64, 3, padding: 1), nn.BatchNorm2d(64), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> expand = nn.Sequential(nn.Conv2d(64, 256, 1), nn.BatchNorm2d(256));
    public ResNetBottleneck() : base(nameof(ResNetBottleneck))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = expand.forward(spatial.forward(reduce.forward(x)));
        return (y + x).relu();
    }
}
""", new long[] { 2, 256, 28, 28 }),
        ["ResNetStem"] = (Usings + """
[ConvAnalyzers.InputShape(8, 3, 224, 224)]
public sealed class ResNetStem : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> stem = nn.Sequential(nn.Conv2d(3, 64, 7, stride: 2, padding: 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, stride: 2, padding: 1));
    private readonly nn.Module<Tensor, Tensor> head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 1000));
    public ResNetStem() : base(nameof(ResNetStem))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return head.forward(stem.forward(x));
    }
}
""", new long[] { 8, 3, 224, 224 }),
        ["VggFromConfig"] = (Usings + """
[ConvAnalyzers.InputShape(2, 3, 32, 32)]
public sealed class VggFromConfig : nn.Module<Tensor, Tensor>
{
    private static readonly long[] Config = { 64, -1, 128, -1, 256, 256, -1 };
    private readonly nn.Module<Tensor, Tensor> features;
    private readonly nn.Module<Tensor, Tensor> classifier = nn.Sequential(nn.Flatten(), nn.Linear(256 * 4 * 4, 10));

    public VggFromConfig() : base(nameof(VggFromConfig))
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long channels = 3;
        foreach (var c in Config)
        {
            if (c < 0) { layers.Add(nn.MaxPool2d(2)); continue; }
            layers.Add(nn.Conv2d(channels, c, 3, padding: 1));
            layers.Add(nn.ReLU());
            channels = c;
        }

        features = nn.Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => classifier.forward(features.forward(x));
}
""", new long[] { 2, 3, 32, 32 }),
        ["Vgg11Unrolled"] = (Usings + """
[ConvAnalyzers.InputShape(2, 3, 32, 32)]
public sealed class Vgg11Unrolled : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> features = nn.Sequential(nn.Conv2d(3, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(64, 128, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(128, 256, 3, padding: 1), nn.ReLU(), nn.Conv2d(256, 256, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2));
    private readonly nn.Module<Tensor, Tensor> classifier = nn.Sequential(nn.Flatten(), nn.Linear(256 * 4 * 4, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10));
    public Vgg11Unrolled() : base(nameof(Vgg11Unrolled))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return classifier.forward(features.forward(x));
    }
}
""", new long[] { 2, 3, 32, 32 }),
        ["MobileNetDepthwise"] = (Usings + """
[ConvAnalyzers.InputShape(2, 32, 112, 112)]
public sealed class MobileNetDepthwise : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> depthwise = nn.Sequential(nn.Conv2d(32, 32, 3, stride: 2, padding: 1, groups: 32), nn.BatchNorm2d(32), nn.ReLU6());
    private readonly nn.Module<Tensor, Tensor> pointwise = nn.Sequential(nn.Conv2d(32, 64, 1), nn.BatchNorm2d(64), nn.ReLU6());
    public MobileNetDepthwise() : base(nameof(MobileNetDepthwise))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return pointwise.forward(depthwise.forward(x));
    }
}
""", new long[] { 2, 32, 112, 112 }),
        ["MobileNetV2Inverted"] = (Usings + """
[ConvAnalyzers.InputShape(2, 24, 56, 56)]
public sealed class MobileNetV2Inverted : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> expand = nn.Sequential(nn.Conv2d(24, 144, 1), nn.BatchNorm2d(144), nn.ReLU6());
    private readonly nn.Module<Tensor, Tensor> depthwise = nn.Sequential(nn.Conv2d(144, 144, 3, padding: 1, groups: 144), nn.BatchNorm2d(144), nn.ReLU6());
    private readonly nn.Module<Tensor, Tensor> project = nn.Sequential(nn.Conv2d(144, 24, 1), nn.BatchNorm2d(24));
    public MobileNetV2Inverted() : base(nameof(MobileNetV2Inverted))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return x + project.forward(depthwise.forward(expand.forward(x)));
    }
}
""", new long[] { 2, 24, 56, 56 }),
        ["InceptionFactorized"] = (Usings + """
[ConvAnalyzers.InputShape(2, 192, 17, 17)]
public sealed class InceptionFactorized : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> branch1 = nn.Conv2d(192, 64, 1);
    private readonly nn.Module<Tensor, Tensor> branch7 = nn.Sequential(nn.Conv2d(192, 64, 1), nn.Conv2d(64, 64, (1, 7), padding: (0, 3)), nn.Conv2d(64, 96, (7, 1), padding: (3, 0)));
    private readonly nn.Module<Tensor, Tensor> branchPool = nn.Sequential(nn.AvgPool2d(3, stride: 1, padding: 1), nn.Conv2d(192, 32, 1));
    public InceptionFactorized() : base(nameof(InceptionFactorized))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return torch.cat(new[] { branch1.forward(x), branch7.forward(x), branchPool.forward(x) }, 1);
    }
}
""", new long[] { 2, 192, 17, 17 }),
        ["UNetPadded256"] = (NetworkAnalyzerSources.UNet(256, broken: false), new long[] { 1, 1, 256, 256 }),
        ["DcganGenerator"] = (Usings + """
[ConvAnalyzers.InputShape(16, 100, 1, 1)]
public sealed class DcganGenerator : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.ConvTranspose2d(100, 256, 4, bias: false), nn.BatchNorm2d(256), nn.ReLU(), nn.ConvTranspose2d(256, 128, 4, stride: 2, padding: 1, bias: false), nn.BatchNorm2d(128), nn.ReLU(), nn.ConvTranspose2d(128, 64, 4, stride: 2, padding: 1, bias: false), nn.BatchNorm2d(64), nn.ReLU(), nn.ConvTranspose2d(64, 3, 4, stride: 2, padding: 1, bias: false), nn.Tanh());
    public DcganGenerator() : base(nameof(DcganGenerator))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return net.forward(x);
    }
}
""", new long[] { 16, 100, 1, 1 }),
        ["DcganDiscriminator"] = (Usings + """
[ConvAnalyzers.InputShape(16, 3, 32, 32)]
public sealed class DcganDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 64, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, stride: 2, padding: 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2), nn.Conv2d(128, 256, 4, stride: 2, padding: 1), nn.BatchNorm2d(256), nn.LeakyReLU(0.2), nn.Conv2d(256, 1, 4), nn.Sigmoid());
    public DcganDiscriminator() : base(nameof(DcganDiscriminator))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return net.forward(x);
    }
}
""", new long[] { 16, 3, 32, 32 }),
        ["VaeEncoder"] = (Usings + """
[ConvAnalyzers.InputShape(8, 1, 28, 28)]
public sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv = nn.Sequential(nn.Conv2d(1, 32, 4, stride: 2, padding: 1), nn.ReLU(), nn.Conv2d(32, 64, 4, stride: 2, padding: 1), nn.ReLU(), nn.Flatten());
    private readonly nn.Module<Tensor, Tensor> mu = nn.Linear(64 * 7 * 7, 16);
    public VaeEncoder() : base(nameof(VaeEncoder))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return mu.forward(conv.forward(x));
    }
}
""", new long[] { 8, 1, 28, 28 }),
        ["VaeDecoder"] = (Usings + """
[ConvAnalyzers.InputShape(8, 16)]
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(16, 64 * 7 * 7);
    private readonly nn.Module<Tensor, Tensor> unflatten = nn.Unflatten(1, new long[] { 64, 7, 7 });
    private readonly nn.Module<Tensor, Tensor> deconv = nn.Sequential(nn.ConvTranspose2d(64, 32, 4, stride: 2, padding: 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, stride: 2, padding: 1), nn.Sigmoid());
    public VaeDecoder() : base(nameof(VaeDecoder))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return deconv.forward(unflatten.forward(fc.forward(x)));
    }
}
""", new long[] { 8, 16 }),
        ["YoloNeck"] = (Usings + """
[ConvAnalyzers.InputShape(1, 256, 13, 13)]
public sealed class YoloNeck : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> reduce = nn.Conv2d(256, 128, 1);
    private readonly nn.Module<Tensor, Tensor> up = nn.Upsample(scale_factor: new double[] { 2, 2 });
    private readonly nn.Module<Tensor, Tensor> fuse = nn.Conv2d(128 + 128, 128, 3, padding: 1);
    private readonly nn.Module<Tensor, Tensor> lateral = nn.Conv2d(256, 128, 1);
    public YoloNeck() : base(nameof(YoloNeck))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var small = reduce.forward(x);
        var large = up.forward(small);
        var skip = nn.functional.relu(lateral.forward(x));
        return fuse.forward(torch.cat(new[] { large, large }, 1));
    }
}
""", new long[] { 1, 256, 13, 13 }),
        ["YoloNeckWithSize"] = (Usings + """
[ConvAnalyzers.InputShape(1, 512, 10, 10)]
public sealed class YoloNeckWithSize : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> reduce = nn.Conv2d(512, 256, 1);
    private readonly nn.Module<Tensor, Tensor> up = nn.Upsample(size: new long[] { 20, 20 });
    private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(256, 255, 1);
    public YoloNeckWithSize() : base(nameof(YoloNeckWithSize))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return head.forward(up.forward(reduce.forward(x)));
    }
}
""", new long[] { 1, 512, 10, 10 }),
        ["WaveRnnStack"] = (Usings + """
[ConvAnalyzers.InputShape(4, 80, 100)]
public sealed class WaveRnnStack : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> stack = nn.Sequential(nn.Conv1d(80, 128, 5, padding: 2), nn.BatchNorm1d(128), nn.ReLU(), nn.Conv1d(128, 128, 5, padding: 2), nn.BatchNorm1d(128), nn.ReLU(), nn.Conv1d(128, 128, 5, padding: 2), nn.BatchNorm1d(128), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> proj = nn.Conv1d(128, 32, 1);
    public WaveRnnStack() : base(nameof(WaveRnnStack))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return proj.forward(stack.forward(x));
    }
}
""", new long[] { 4, 80, 100 }),
        ["DilatedTcn"] = (Usings + """
[ConvAnalyzers.InputShape(2, 16, 200)]
public sealed class DilatedTcn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> block1 = nn.Conv1d(16, 32, 3, dilation: 1, padding: 1);
    private readonly nn.Module<Tensor, Tensor> block2 = nn.Conv1d(32, 32, 3, dilation: 2, padding: 2);
    private readonly nn.Module<Tensor, Tensor> block3 = nn.Conv1d(32, 32, 3, dilation: 4, padding: 4);
    public DilatedTcn() : base(nameof(DilatedTcn))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = block1.forward(x).relu();
        x = block2.forward(x).relu();
        return block3.forward(x).relu();
    }
}
""", new long[] { 2, 16, 200 }),
        ["Audio1dDownsampler"] = (Usings + """
[ConvAnalyzers.InputShape(2, 1, 16000)]
public sealed class Audio1dDownsampler : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv1d(1, 32, 80, stride: 4), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(4), nn.Conv1d(32, 64, 3), nn.ReLU(), nn.MaxPool1d(4), nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(64, 35));
    public Audio1dDownsampler() : base(nameof(Audio1dDownsampler))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return net.forward(x);
    }
}
""", new long[] { 2, 1, 16000 }),
        ["Volume3dEncoderDecoder"] = (Usings + """
[ConvAnalyzers.InputShape(2, 1, 32, 32, 32)]
public sealed class Volume3dEncoderDecoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> down1 = nn.Conv3d(1, 16, 3, stride: 2, padding: 1);
    private readonly nn.Module<Tensor, Tensor> down2 = nn.Conv3d(16, 32, 3, stride: 2, padding: 1);
    private readonly nn.Module<Tensor, Tensor> up2 = nn.ConvTranspose3d(32, 16, 3, stride: 2, padding: 1, output_padding: 1);
    private readonly nn.Module<Tensor, Tensor> up1 = nn.ConvTranspose3d(16, 1, 3, stride: 2, padding: 1, output_padding: 1);
    public Volume3dEncoderDecoder() : base(nameof(Volume3dEncoderDecoder))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = down1.forward(x).relu();
        x = down2.forward(x).relu();
        x = up2.forward(x).relu();
        return up1.forward(x);
    }
}
""", new long[] { 2, 1, 32, 32, 32 }),
        ["Volume3dPooling"] = (Usings + """
[ConvAnalyzers.InputShape(1, 4, 16, 16, 16)]
public sealed class Volume3dPooling : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv3d(4, 8, 3, padding: 1), nn.BatchNorm3d(8), nn.ReLU(), nn.MaxPool3d(2), nn.Conv3d(8, 16, 3, padding: 1), nn.ReLU(), nn.AvgPool3d(2), nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(16, 3));
    public Volume3dPooling() : base(nameof(Volume3dPooling))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return net.forward(x);
    }
}
""", new long[] { 1, 4, 16, 16, 16 }),
        ["ConstructorAssigned"] = (Usings + """
[ConvAnalyzers.InputShape(2, 3, 64, 64)]
public sealed class ConstructorAssigned : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> pool;

    public ConstructorAssigned() : base(nameof(ConstructorAssigned))
    {
        conv1 = nn.Conv2d(3, 16, 5, padding: 2);
        conv2 = nn.Conv2d(16, 32, 5, padding: 2);
        pool = nn.MaxPool2d(2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => pool.forward(conv2.forward(pool.forward(conv1.forward(x).relu())).relu());
}
""", new long[] { 2, 3, 64, 64 }),
        ["RegisterModuleStyle"] = (Usings + """
[ConvAnalyzers.InputShape(1, 3, 32, 32)]
public sealed class RegisterModuleStyle : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 8, 3, stride: 2, padding: 1);
    private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(8, 2, 1);

    public RegisterModuleStyle() : base(nameof(RegisterModuleStyle))
    {
        register_module("conv", conv);
        register_module("head", head);
    }

    public override Tensor forward(Tensor x) => head.forward(conv.forward(x));
}
""", new long[] { 1, 3, 32, 32 }),
        ["ModuleListStack"] = (Usings + """
[ConvAnalyzers.InputShape(1, 8, 16, 16)]
public sealed class ModuleListStack : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> blocks = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Conv2d(8, 8, 3, padding: 1), nn.Conv2d(8, 8, 3, padding: 1));

    public ModuleListStack() : base(nameof(ModuleListStack)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        foreach (var block in blocks)
        {
            x = block.forward(x).relu();
        }

        return x;
    }
}
""", new long[] { 1, 8, 16, 16 }),
        ["NamedSequentialClassifier"] = (Usings + """
[ConvAnalyzers.InputShape(32, 1, 28, 28)]
public sealed class NamedSequentialClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(("conv1", nn.Conv2d(1, 32, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)), ("conv2", nn.Conv2d(32, 64, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)), ("flat", nn.Flatten()), ("fc", nn.Linear(64 * 7 * 7, 10)));
    public NamedSequentialClassifier() : base(nameof(NamedSequentialClassifier))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return net.forward(x);
    }
}
""", new long[] { 32, 1, 28, 28 }),
        ["ConstantsConfigured"] = (Usings + """
[ConvAnalyzers.InputShape(2, 3, 96, 96)]
public sealed class ConstantsConfigured : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> stem = nn.Conv2d(InChannels, Width, Kernel, stride: Stride, padding: Kernel / 2);
    private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(Width, Classes, 1);
    public ConstantsConfigured() : base(nameof(ConstantsConfigured))
    {
        RegisterComponents();
    }
    private const long InChannels = 3;
    private const long Width = 48;
    private const long Kernel = 5;
    private const long Stride = 2;
    private static readonly long Classes = 10;

    public override Tensor forward(Tensor x)
    {
        return head.forward(stem.forward(x));
    }
}
""", new long[] { 2, 3, 96, 96 }),
        ["SqueezeExcite"] = (Usings + """
[ConvAnalyzers.InputShape(2, 64, 14, 14)]
public sealed class SqueezeExcite : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> squeeze = nn.AdaptiveAvgPool2d(1);
    private readonly nn.Module<Tensor, Tensor> fc = nn.Sequential(nn.Conv2d(64, 16, 1), nn.ReLU(), nn.Conv2d(16, 64, 1), nn.Sigmoid());
    public SqueezeExcite() : base(nameof(SqueezeExcite))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return x * fc.forward(squeeze.forward(x));
    }
}
""", new long[] { 2, 64, 14, 14 }),
        ["UnbatchedConv"] = (Usings + """
[ConvAnalyzers.InputShape(3, 32, 32)]
public sealed class UnbatchedConv : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 8, 3);
    private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
    public UnbatchedConv() : base(nameof(UnbatchedConv))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return pool.forward(conv.forward(x));
    }
}
""", new long[] { 3, 32, 32 }),
        ["CeilModePooling"] = (Usings + """
[ConvAnalyzers.InputShape(1, 16, 15, 15)]
public sealed class CeilModePooling : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(3, stride: 2, ceil_mode: true);
    private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(16, 16, 3, padding: 1);
    public CeilModePooling() : base(nameof(CeilModePooling))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return conv.forward(pool.forward(x));
    }
}
""", new long[] { 1, 16, 15, 15 }),
        ["SamePaddingStack"] = (Usings + """
[ConvAnalyzers.InputShape(2, 4, 37, 29)]
public sealed class SamePaddingStack : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> a = nn.Conv2d(4, 8, 3, Padding.Same);
    private readonly nn.Module<Tensor, Tensor> b = nn.Conv2d(8, 8, (5, 3), Padding.Same, dilation: (1, 2));
    private readonly nn.Module<Tensor, Tensor> c = nn.Conv2d(8, 4, 1, Padding.Valid);
    public SamePaddingStack() : base(nameof(SamePaddingStack))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return c.forward(b.forward(a.forward(x)));
    }
}
""", new long[] { 2, 4, 37, 29 }),
        ["TextCnn"] = (Usings + """
[ConvAnalyzers.InputShape(16, 128, 50)]
public sealed class TextCnn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv3 = nn.Conv1d(128, 100, 3);
    private readonly nn.Module<Tensor, Tensor> conv5 = nn.Conv1d(128, 100, 5);
    private readonly nn.Module<Tensor, Tensor> pool = nn.AdaptiveMaxPool1d(1);
    private readonly nn.Module<Tensor, Tensor> fc = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(200, 2));

    public TextCnn() : base(nameof(TextCnn)) => RegisterComponents();

    public override Tensor forward(Tensor x) => fc.forward(torch.cat(new[] { pool.forward(conv3.forward(x).relu()), pool.forward(conv5.forward(x).relu()) }, 1));
}
""", new long[] { 16, 128, 50 }),
    };
}
