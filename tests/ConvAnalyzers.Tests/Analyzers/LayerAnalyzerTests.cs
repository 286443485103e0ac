using ConvAnalyzers.TestSources;
using Xunit;
using VerifyCS = ConvAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ConvAnalyzers.Analyzers.LayerAnalyzer>;

namespace ConvAnalyzers.Tests.Analyzers;

public sealed class LayerAnalyzerTests
{
    public static TheoryData<string> Cases() => new(LayerAnalyzerSources.All.Keys);

    [Fact]
    public Task A_constant_passed_to_a_block_is_reported_where_it_is_written() => VerifyCS.VerifyAnalyzerAsync(LayerAnalyzerSources.Usings + """
        class Up : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> up;
            public Up(long channels, long outputPadding) : base(nameof(Up))
            {
                up = nn.ConvTranspose2d(channels, channels, 3, stride: 2, padding: 1, output_padding: outputPadding);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => up.forward(x);
        }

        class Net
        {
            Up good = new Up(16, 1);
            Up bad = new Up(16, outputPadding: {|CONV001:3|});
        }
        """);

    [Fact]
    public Task A_helper_argument_is_reported_at_the_call_that_passes_it() => VerifyCS.VerifyAnalyzerAsync(LayerAnalyzerSources.Usings + """
        static class Blocks
        {
            public static nn.Module<Tensor, Tensor> ConvBnAct(long input, long output, long kernel, long stride) =>
                nn.Sequential(nn.Conv2d(input, output, kernel, stride: stride, padding: kernel / 2), nn.BatchNorm2d(output), nn.ReLU());
        }

        class Net
        {
            object stem = Blocks.ConvBnAct(3, 16, 3, 1);
            object down = Blocks.ConvBnAct(16, 64, {|CONV002:0|}, 2);
        }
        """);

    /// <summary>
    /// A block's layer built from its parameters and constants is checked on its own with the parameters unknown; a
    /// parameter the block writes before the layer is read as written, so that layer needs the whole constructor run.
    /// </summary>
    [Fact]
    public Task A_layer_of_unchanged_parameters_and_constants_is_checked_and_a_written_parameter_is_read_as_written() => VerifyCS.VerifyAnalyzerAsync(LayerAnalyzerSources.Usings + """
        class Up : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> up;
            public Up(long input, long output) : base(nameof(Up))
            {
                up = nn.ConvTranspose2d(input, output, 3, stride: 2, padding: 1, {|CONV001:output_padding: 2|});
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => up.forward(x);
        }

        class Same : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> up;
            public Same(long channels, long stride) : base(nameof(Same))
            {
                stride = 1;
                up = nn.ConvTranspose2d(channels, channels, 3, stride: stride, padding: 1, {|CONV001:output_padding: 1|});
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => up.forward(x);
        }

        class Open : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> up;
            public Open(long channels, long stride) : base(nameof(Open))
            {
                up = nn.ConvTranspose2d(channels, channels, 3, stride: stride, padding: 1, output_padding: 1);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => up.forward(x);
        }
        """);

    /// <summary>Every shared source (tests/Shared): the diagnostics and their locations are the markup in the source.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public Task Reports_exactly_the_marked_diagnostics(string name) => VerifyCS.VerifyAnalyzerAsync(LayerAnalyzerSources.All[name]);

    [Fact]
    public Task No_TorchSharp_reference_means_no_actions()
    {
        var test = new VerifyCS.Test { TestCode = "class nn { public static object ConvTranspose2d(long a, long b, long k, long stride = 1, long output_padding = 0) => null; object x = ConvTranspose2d(1, 1, 2, 2, 2); }" };
        test.TestState.AdditionalReferences.Clear();
        return test.RunAsync();
    }

}
