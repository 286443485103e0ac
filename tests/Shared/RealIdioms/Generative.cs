using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

public static partial class RealIdiomModels
{
    private static IEnumerable<RealIdiomModel> Generative()
    {
        yield return new RealIdiomModel("DcganGeneratorFromConstructor", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.OutputShape(-1, 1, 32, 32)]
            public sealed class Generator : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> main;

                public Generator(long nz, long ngf, long nc = 1) : base(nameof(Generator))
                {
                    main = Sequential(
                        UpBlock(nz, ngf * 4, 1, 0),
                        UpBlock(ngf * 4, ngf * 2, 2, 1),
                        UpBlock(ngf * 2, ngf, 2, 1),
                        ConvTranspose2d(ngf, nc, 4, stride: 2, padding: 1, bias: false),
                        Tanh());
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> UpBlock(long inChannels, long outChannels, long stride, long padding) => Sequential(
                    ConvTranspose2d(inChannels, outChannels, 4, stride: stride, padding: padding, bias: false),
                    BatchNorm2d(outChannels),
                    ReLU(true));

                public override Tensor forward(Tensor z) => main.forward(z);
            }

            public static class Program
            {
                public static void Run()
                {
                    var netG = new Generator(16, 8);
                    var noise = torch.randn(4, 16, 1, 1);
                    netG.forward(noise);
                }
            }
            """, null, "dcgan-ctor, helper-method, call-site-input");

        yield return new RealIdiomModel("DcganGeneratorThatStalls", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [{|CONV009:ConvAnalyzers.OutputShape(-1, 3, 64, 64)|}]
            public sealed class Generator : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> net;

                public Generator(long latent, long width) : base(nameof(Generator))
                {
                    var multipliers = new long[] { 8, 4, 2, 1 };
                    // Kernel, stride and padding per stage; the third stage was meant to be (4, 2, 1).
                    var geometry = new (long Kernel, long Stride, long Padding)[] { (4, 1, 0), (4, 2, 1), (3, 1, 1), (4, 2, 1) };
                    var layers = new List<Module<Tensor, Tensor>>();
                    var channels = latent;
                    for (var i = 0; i < multipliers.Length; i++)
                    {
                        var (kernel, stride, padding) = geometry[i];
                        layers.Add(ConvTranspose2d(channels, width * multipliers[i], kernel, stride: stride, padding: padding, bias: false));
                        layers.Add(BatchNorm2d(width * multipliers[i]));
                        layers.Add(ReLU());
                        channels = width * multipliers[i];
                    }

                    layers.Add(ConvTranspose2d(channels, 3, 4, stride: 2, padding: 1));
                    layers.Add(Tanh());
                    net = Sequential(layers);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor z) => net.forward(z);
            }

            public static class Program
            {
                public static void Run()
                {
                    var generator = new Generator(16, 4);
                    var z = torch.randn(2, 16, 1, 1);
                    generator.forward(z);
                }
            }
            """, "CONV009", "dcgan-ctor, config-loop, sequential-list, call-site-input");

        yield return new RealIdiomModel("DcganDiscriminatorOnGeneratedImages", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.OutputShape(-1, 1, 32, 32)]
            public sealed class Generator : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> main;

                public Generator(long nz, long ngf) : base(nameof(Generator))
                {
                    main = Sequential(
                        ConvTranspose2d(nz, ngf * 4, 4, stride: 1, bias: false), BatchNorm2d(ngf * 4), ReLU(true),
                        ConvTranspose2d(ngf * 4, ngf * 2, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(ngf * 2), ReLU(true),
                        ConvTranspose2d(ngf * 2, ngf, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(ngf), ReLU(true),
                        ConvTranspose2d(ngf, 1, 4, stride: 2, padding: 1, bias: false), Tanh());
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => main.forward(input);
            }

            public sealed class Discriminator : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> main;

                public Discriminator(long nc, long ndf) : base(nameof(Discriminator))
                {
                    main = Sequential(
                        Conv2d(nc, ndf, 4, stride: 2, padding: 1, bias: false), LeakyReLU(0.2, true),
                        Conv2d(ndf, ndf * 2, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(ndf * 2), LeakyReLU(0.2, true),
                        Conv2d(ndf * 2, ndf * 4, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(ndf * 4), LeakyReLU(0.2, true),
                        Conv2d(ndf * 4, 1, 4, bias: false), Sigmoid());
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => main.forward(input).view(-1, 1).squeeze(1);
            }

            public static class Program
            {
                public static void Run()
                {
                    var netG = new Generator(16, 8);
                    var netD = new Discriminator(1, 8);
                    var noise = torch.randn(4, 16, 1, 1);
                    var fake = netG.forward(noise);
                    netD.forward(fake.detach());
                }
            }
            """, null, "dcgan-ctor, view-head, call-site-input");

        yield return new RealIdiomModel("DcganLatentSizeMismatch", """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Generator : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();

                public Generator(long nz, long ngf) : base(nameof(Generator))
                {
                    blocks.Add(Sequential(ConvTranspose2d(nz, ngf * 2, 4, stride: 1, bias: false), BatchNorm2d(ngf * 2), ReLU()));
                    blocks.Add(Sequential(ConvTranspose2d(ngf * 2, ngf, 4, stride: 2, padding: 1, bias: false), BatchNorm2d(ngf), ReLU()));
                    blocks.Add(Sequential(ConvTranspose2d(ngf, 3, 4, stride: 2, padding: 1, bias: false), Tanh()));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor z)
                {
                    var x = z;
                    foreach (var block in blocks)
                    {
                        x = block.forward(x);
                    }

                    return x;
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var generator = new Generator({|CONV004:100|}, 8);
                    var z = torch.randn(2, 64, 1, 1);
                    generator.forward(z);
                }
            }
            """, "CONV004", "dcgan-ctor, module-list, call-site-input");

        yield return new RealIdiomModel("ConvVaeWithViewDecoder", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 1, 16, 16)]
            public sealed class ConvVae : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> encoder = Sequential(
                    Conv2d(1, 8, 4, stride: 2, padding: 1), ReLU(),
                    Conv2d(8, 16, 4, stride: 2, padding: 1), ReLU(),
                    Flatten());
                private readonly Module<Tensor, Tensor> mu = Linear(16 * 4 * 4, 8);
                private readonly Module<Tensor, Tensor> logVar = Linear(16 * 4 * 4, 8);
                private readonly Module<Tensor, Tensor> decoderInput = Linear(8, 16 * 4 * 4);
                private readonly Module<Tensor, Tensor> decoder = Sequential(
                    ConvTranspose2d(16, 8, 4, stride: 2, padding: 1), ReLU(),
                    ConvTranspose2d(8, 1, 4, stride: 2, padding: 1), Sigmoid());

                public ConvVae() : base(nameof(ConvVae))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    using (var _ = NewDisposeScope())
                    {
                        var h = encoder.forward(x);
                        var mean = mu.forward(h);
                        var std = logVar.forward(h).mul(0.5).exp();
                        var z = mean + std * torch.randn_like(std);
                        var d = decoderInput.forward(z).view(-1, 16, 4, 4);
                        return decoder.forward(d).MoveToOuterDisposeScope();
                    }
                }
            }

            public static class Program
            {
                public static void Run() => new ConvVae().forward(torch.zeros(2, 1, 16, 16));
            }
            """, null, "view-head, dispose-scope, input-attribute");

        yield return new RealIdiomModel("ConvVaeDecoderWithoutView", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class VaeDecoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> project;
                private readonly Module<Tensor, Tensor> upsample;

                public VaeDecoder(long latent, long width) : base(nameof(VaeDecoder))
                {
                    project = Linear(latent, width * 4 * 4);
                    upsample = Sequential(
                        {|CONV006:ConvTranspose2d(width, width / 2, 4, stride: 2, padding: 1)|}, ReLU(),
                        ConvTranspose2d(width / 2, 1, 4, stride: 2, padding: 1), Sigmoid());
                    RegisterComponents();
                }

                public override Tensor forward(Tensor z)
                {
                    // The view to (N, width, 4, 4) between the projection and the transposed convolutions is missing.
                    var h = functional.relu(project.forward(z));
                    return upsample.forward(h);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var decoder = new VaeDecoder(8, 16);
                    var z = torch.randn(2, 8);
                    decoder.forward(z);
                }
            }
            """, "CONV006", "view-head, call-site-input");

        yield return new RealIdiomModel("SuperResolutionPixelShuffle", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(1, 1, 16, 16)]
            [ConvAnalyzers.OutputShape(-1, 1, 32, 32)]
            public sealed class Espcn : Module<Tensor, Tensor>
            {
                private const long Scale = 2;
                private readonly Module<Tensor, Tensor> body = Sequential(
                    Conv2d(1, 16, 5, padding: 2), Tanh(),
                    Conv2d(16, 8, 3, padding: 1), Tanh(),
                    Conv2d(8, Scale * Scale, 3, padding: 1),
                    PixelShuffle(Scale));

                public Espcn() : base(nameof(Espcn))
                {
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x).clamp(0, 1);
            }

            public static class Program
            {
                public static void Run() => new Espcn().forward(torch.zeros(1, 1, 16, 16));
            }
            """, null, "input-attribute");

        yield return new RealIdiomModel("AutoencoderOneUpsampleShort", """
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.InputShape(2, 1, 32, 32)]
            [{|CONV009:ConvAnalyzers.OutputShape(-1, 1, 32, 32)|}]
            public sealed class Autoencoder : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> encoder;
                private readonly Module<Tensor, Tensor> decoder;

                public Autoencoder() : base(nameof(Autoencoder))
                {
                    var down = new List<Module<Tensor, Tensor>>();
                    foreach (var (inChannels, outChannels) in new[] { (1L, 8L), (8L, 16L), (16L, 16L) })
                    {
                        down.Add(Conv2d(inChannels, outChannels, 3, padding: 1));
                        down.Add(ReLU());
                        down.Add(MaxPool2d(2));
                    }

                    encoder = Sequential(down);
                    decoder = Sequential(Up(16, 8), Up(8, 4), Conv2d(4, 1, 3, padding: 1), Sigmoid());
                    RegisterComponents();
                }

                private static Module<Tensor, Tensor> Up(long inChannels, long outChannels) => Sequential(
                    Upsample(scale_factor: new double[] { 2, 2 }, mode: UpsampleMode.Nearest),
                    Conv2d(inChannels, outChannels, 3, padding: 1),
                    ReLU());

                public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
            }

            public static class Program
            {
                public static void Run() => new Autoencoder().forward(torch.zeros(2, 1, 32, 32));
            }
            """, "CONV009", "config-loop, sequential-list, helper-method, input-attribute");

        yield return new RealIdiomModel("GanGeneratorLinearThenView", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            [ConvAnalyzers.OutputShape(-1, 1, 28, 28)]
            public sealed class MnistGenerator : Module<Tensor, Tensor>
            {
                private readonly long width;
                private readonly Module<Tensor, Tensor> fc;
                private readonly Module<Tensor, Tensor> up;

                public MnistGenerator(long latent, long width = 32) : base(nameof(MnistGenerator))
                {
                    this.width = width;
                    fc = Sequential(Linear(latent, width * 7 * 7), BatchNorm1d(width * 7 * 7), ReLU());
                    up = Sequential(
                        ConvTranspose2d(width, width / 2, 4, stride: 2, padding: 1), BatchNorm2d(width / 2), ReLU(),
                        ConvTranspose2d(width / 2, 1, 4, stride: 2, padding: 1), Tanh());
                    RegisterComponents();
                }

                public override Tensor forward(Tensor z)
                {
                    var x = fc.forward(z);
                    x = x.view(x.shape[0], width, 7, 7);
                    return up.forward(x);
                }
            }

            public static class Program
            {
                public static void Run()
                {
                    var generator = new MnistGenerator(latent: 10);
                    var z = torch.randn(4, 10);
                    generator.forward(z);
                }
            }
            """, null, "dcgan-ctor, view-head, call-site-input");

        yield return new RealIdiomModel("DcganDiscriminatorOnSmallerImages", """
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Discriminator : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> features;
                private readonly Module<Tensor, Tensor> score;

                public Discriminator(long nc, long ndf) : base(nameof(Discriminator))
                {
                    features = Sequential(
                        Conv2d(nc, ndf, 4, stride: 2, padding: 1), LeakyReLU(0.2),
                        Conv2d(ndf, ndf * 2, 4, stride: 2, padding: 1), BatchNorm2d(ndf * 2), LeakyReLU(0.2),
                        Conv2d(ndf * 2, ndf * 4, 4, stride: 2, padding: 1), BatchNorm2d(ndf * 4), LeakyReLU(0.2));
                    // Sized for 32x32 images: after three halvings the map is 4x4.
                    score = {|CONV003:Conv2d(ndf * 4, 1, 4, bias: false)|};
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => score.forward(features.forward(x)).flatten();
            }

            public static class Program
            {
                public static void Run()
                {
                    var netD = new Discriminator(1, 8);
                    var images = torch.zeros(4, 1, 16, 16);
                    netD.forward(images);
                }
            }
            """, "CONV003", "dcgan-ctor, view-head, call-site-input");
    }
}
