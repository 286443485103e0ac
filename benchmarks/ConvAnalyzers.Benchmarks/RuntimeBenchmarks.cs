using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace ConvAnalyzers.Benchmarks;

[ConvAnalyzers.InputShape(1, 64, 32, 32)]
public sealed class BenchEncoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(64, 128, 3, stride: 2, padding: 1), nn.ReLU(), nn.Conv2d(128, 256, 3, stride: 2, padding: 1));

    public BenchEncoder() : base(nameof(BenchEncoder)) => RegisterComponents();

    public override Tensor forward(Tensor x) => net.forward(x);
}

[ConvAnalyzers.MirrorDecoder(typeof(BenchEncoder))]
public partial class GeneratedDecoder
{
}

/// <summary>The same decoder written by hand: identical layers, names and (after loading) weights (no activation after the final layer).</summary>
public sealed class HandWrittenDecoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> net_2 = nn.ConvTranspose2d(256, 128, 3, stride: 2, padding: 1, output_padding: 1);
    private readonly nn.Module<Tensor, Tensor> net_0 = nn.ConvTranspose2d(128, 64, 3, stride: 2, padding: 1, output_padding: 1);

    public HandWrittenDecoder() : base(nameof(HandWrittenDecoder)) => RegisterComponents();

    public override Tensor forward(Tensor x) => net_0.forward(net_2.forward(x));
}

/// <summary>
/// Forward of the generated decoder against the hand-written one (and a second hand-written instance as the noise
/// floor), under no_grad on CPU; outputs checked equal first.
/// </summary>
public class RuntimeBenchmarks
{
    private GeneratedDecoder _generated = null!;
    private HandWrittenDecoder _hand = null!;
    private HandWrittenDecoder _handAgain = null!;
    private Tensor _input = null!;

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        _generated = new GeneratedDecoder();
        _hand = new HandWrittenDecoder();
        _handAgain = new HandWrittenDecoder();
        var weights = _generated.state_dict();
        using (torch.no_grad())
        {
            foreach (var module in new[] { _hand, _handAgain })
            {
                foreach (var (name, tensor) in module.state_dict())
                {
                    tensor.copy_(weights[name]);
                }
            }
        }

        _input = torch.randn(Batch, 256, 8, 8);
        using var noGrad = torch.no_grad();
        if (!_generated.call(_input).allclose(_hand.call(_input)) || !_handAgain.call(_input).allclose(_hand.call(_input)))
        {
            throw new InvalidOperationException("the generated and hand-written decoders disagree");
        }
    }

    [Benchmark(Baseline = true)]
    public long HandWritten()
    {
        using var noGrad = torch.no_grad();
        using var y = _hand.call(_input);
        return y.shape[0];
    }

    /// <summary>
    /// A second instance of the same hand-written decoder: what two identical modules differ by here (their tensors
    /// sit elsewhere in memory), the noise floor against which the generated one is judged.
    /// </summary>
    [Benchmark]
    public long HandWrittenSecondInstance()
    {
        using var noGrad = torch.no_grad();
        using var y = _handAgain.call(_input);
        return y.shape[0];
    }

    [Benchmark]
    public long Generated()
    {
        using var noGrad = torch.no_grad();
        using var y = _generated.call(_input);
        return y.shape[0];
    }
}
