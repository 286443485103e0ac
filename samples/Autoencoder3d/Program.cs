using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Autoencoder3d;

public static class Program
{
    public static void Main()
    {
        Console.WriteLine("Compile-time shape trace of the generated decoder:");
        foreach (var shape in Decoder.ShapeTrace)
        {
            Console.WriteLine($"  [{string.Join(", ", shape)}]");
        }

        // CUDA when this TorchSharp build can initialise it (a CUDA libtorch package), else CPU.
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        Console.WriteLine($"Device: {device.type}");

        using var encoder = new Encoder();
        using var decoder = new Decoder(device);
        encoder.to(device);
        using var noGrad = torch.no_grad();
        using var x = torch.randn(new long[] { 2, 256, 24, 32, 24 }, device: device);
        using var code = encoder.call(x);
        using var y = decoder.call(code);
        Console.WriteLine($"input   [{string.Join(", ", x.shape)}]");
        Console.WriteLine($"encoded [{string.Join(", ", code.shape)}]");
        Console.WriteLine($"decoded [{string.Join(", ", y.shape)}]");
        if (!x.shape.SequenceEqual(y.shape))
        {
            throw new InvalidOperationException("the decoder did not reproduce the input shape");
        }

        decoder.VerifyShapes(device);
        Console.WriteLine("VerifyShapes passed");
    }
}
