namespace ConvAnalyzers.TestSources;

/// <summary>Sources that consumer projects (the packed package from a local feed) compile in the build and client tests.</summary>
public static class ConsumerSources
{
    /// <summary>The seed autoencoder with a wrong decoder: padding 1 alone gives 23,31,23 where the encoder received 24,32,24 (CONV005).</summary>
    public const string SeedDecoder = """
        using TorchSharp;
        using static TorchSharp.torch;

        [ConvAnalyzers.InputShape(2, 256, 24, 32, 24)]
        public sealed class Autoencoder : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> encoder = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);
            private readonly nn.Module<Tensor, Tensor> decoder = nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1);

            public Autoencoder() : base(nameof(Autoencoder)) => RegisterComponents();

            public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
        }

        """;
}
