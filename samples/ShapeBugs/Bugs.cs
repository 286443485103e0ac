using TorchSharp;
using static TorchSharp.torch;

namespace ShapeBugs;

/// <summary>The seed's first wrong decoder: without padding it gives 25,33,25, not 24,32,24.</summary>
[ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
public sealed class DecoderWithoutPadding : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> encoder = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);

    // CONV005. Fix: padding: 1, output_padding: 1.
    private readonly nn.Module<Tensor, Tensor> decoder = nn.ConvTranspose3d(128, 256, 3, 2);

    public DecoderWithoutPadding() : base(nameof(DecoderWithoutPadding)) => RegisterComponents();

    public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
}

/// <summary>The seed's second wrong decoder: padding 1 alone gives 23,31,23.</summary>
[ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
public sealed class DecoderWithPaddingOnly : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> encoder = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);

    // CONV005. Fix: output_padding: 1 (the encoder drops one trailing plane per dimension: CONV008).
    private readonly nn.Module<Tensor, Tensor> decoder = nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1);

    public DecoderWithPaddingOnly() : base(nameof(DecoderWithPaddingOnly)) => RegisterComponents();

    public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
}

/// <summary>A DCGAN generator that stalls at 2×2: kernel 2, stride 2, padding 1 maps 2 to 2.</summary>
[ConvAnalyzers.InputShape(16, 100, 1, 1)]
[ConvAnalyzers.OutputShape(-1, 1, 32, 32)] // CONV009 names the stage that stops growing. Fix: kernel 4 everywhere.
public sealed class StalledGenerator : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(
        nn.ConvTranspose2d(100, 128, 2), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 2, stride: 2, padding: 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 2, stride: 2, padding: 1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 2, stride: 2, padding: 1), nn.Tanh());

    public StalledGenerator() : base(nameof(StalledGenerator)) => RegisterComponents();

    public override Tensor forward(Tensor x) => net.forward(x);
}

/// <summary>A padded U-Net with four MaxPool2d(2) levels: 250 → 125 → 62 → 31 → 15, and 15·2 = 30 meets 31.</summary>
[ConvAnalyzers.InputShape(1, 1, 250, 250)] // Fix: input sizes divisible by 16 (256), or crop/pad the skips.
public sealed class UNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> enc1 = nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> enc2 = nn.Sequential(nn.Conv2d(8, 16, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> enc3 = nn.Sequential(nn.Conv2d(16, 32, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> enc4 = nn.Sequential(nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> bottleneck = nn.Sequential(nn.Conv2d(64, 128, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);

    // CONV005: 15 → 30, but the pool it mirrors received 31.
    private readonly nn.Module<Tensor, Tensor> up4 = nn.ConvTranspose2d(128, 64, 2, stride: 2);
    private readonly nn.Module<Tensor, Tensor> dec4 = nn.Sequential(nn.Conv2d(128, 64, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> up3 = nn.ConvTranspose2d(64, 32, 2, stride: 2);
    private readonly nn.Module<Tensor, Tensor> dec3 = nn.Sequential(nn.Conv2d(64, 32, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> up2 = nn.ConvTranspose2d(32, 16, 2, stride: 2);
    private readonly nn.Module<Tensor, Tensor> dec2 = nn.Sequential(nn.Conv2d(32, 16, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> up1 = nn.ConvTranspose2d(16, 8, 2, stride: 2);
    private readonly nn.Module<Tensor, Tensor> dec1 = nn.Sequential(nn.Conv2d(16, 8, 3, padding: 1), nn.ReLU());
    private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(8, 1, 1);

    public UNet() : base(nameof(UNet)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var e1 = enc1.forward(x);
        var e2 = enc2.forward(pool.forward(e1));
        var e3 = enc3.forward(pool.forward(e2));
        var e4 = enc4.forward(pool.forward(e3));
        var b = bottleneck.forward(pool.forward(e4));

        // CONV010: [1,64,30,30] and [1,64,31,31] differ outside the joined dimension.
        var d4 = dec4.forward(torch.cat(new[] { up4.forward(b), e4 }, 1));
        var d3 = dec3.forward(torch.cat(new[] { up3.forward(d4), e3 }, 1));
        var d2 = dec2.forward(torch.cat(new[] { up2.forward(d3), e2 }, 1));
        var d1 = dec1.forward(torch.cat(new[] { up1.forward(d2), e1 }, 1));
        return head.forward(d1);
    }
}

/// <summary>MNIST: 28 → conv 3 → 26 → pool 2 → 13, so Flatten gives 32·13·13 = 5408 features, not 32·12·12.</summary>
[ConvAnalyzers.InputShape(64, 1, 28, 28)]
public sealed class MnistClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> features = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten());

    // CONV004. Fix: nn.Linear(5408, 10) — the code fix sets it.
    private readonly nn.Module<Tensor, Tensor> classifier = nn.Linear(32 * 12 * 12, 10);

    public MnistClassifier() : base(nameof(MnistClassifier)) => RegisterComponents();

    public override Tensor forward(Tensor x) => classifier.forward(features.forward(x));
}

public static class Layers
{
    // CONV001: output padding must be smaller than either stride or dilation. Fix: output_padding: 1.
    public static nn.Module<Tensor, Tensor> Up() => nn.ConvTranspose2d(1, 1, 2, stride: 2, output_padding: 2);

    // CONV007: TorchSharp 0.107's forward(x) uses output_padding[0] = 1 for every dimension (10×10, not 10×9).
    // Fix: call forward(x, new long[] { 10, 9 }).
    public static nn.Module<Tensor, Tensor> Collapsed() => nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), output_padding: (1, 0));
}
