using TorchSharp;
using static TorchSharp.torch;

namespace Autoencoder3d;

/// <summary>
/// The question that started ConvAnalyzers: "I have input [N,256,24,32,24] and want [N,128,12,16,12] and back;
/// how do padding and output_padding of ConvTranspose3d really work?" The encoder is written by hand; the
/// decoder below is generated, with the output_padding the arithmetic proves right.
/// </summary>
[ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
[ConvAnalyzers.OutputShape(-1, 128, 12, 16, 12)]
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> down = nn.Sequential(
        ("conv", nn.Conv3d(256, 128, 3, stride: 2, padding: 1)),
        ("norm", nn.BatchNorm3d(128)),
        ("relu", nn.ReLU()));

    public Encoder() : base(nameof(Encoder)) => RegisterComponents();

    public override Tensor forward(Tensor x) => down.forward(x);
}

/// <summary>Generated: ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1), verified at compile time.</summary>
[ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
public partial class Decoder
{
}
