using ConvAnalyzers.TestSources;
using Xunit;
using VerifyCS = ConvAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ConvAnalyzers.Analyzers.LayerAnalyzer>;

namespace ConvAnalyzers.Tests.Analyzers;

public sealed class LayerAnalyzerTests
{
    /// <summary>
    /// The shared case with loops is replaced below: written for the old constant reader, it marked silent two layers
    /// the interpreter now unrolls to known values that TorchSharp rejects (the contract: report facts from known values).
    /// </summary>
    private const string ReplacedCase = "Unknown_values_are_silent";

    public static TheoryData<string> Cases() => new(LayerAnalyzerSources.All.Keys.Where(k => k != ReplacedCase));

    [Fact]
    public Task Unknown_values_are_silent_and_unrolled_loops_are_checked_per_iteration() => VerifyCS.VerifyAnalyzerAsync(LayerAnalyzerSources.Usings + """
        class C
        {
            static long stride = 2;
            nn.Module<Tensor, Tensor> Helper(long op) => nn.ConvTranspose2d(1, 1, 2, stride: 2, output_padding: op);
            void M(int arg)
            {
                var k = 3;
                k = arg;
                var a = nn.ConvTranspose2d(1, 1, k, stride: 1, output_padding: k);
                var b = nn.ConvTranspose2d(1, 1, 2, stride: stride, output_padding: 2);
                foreach (var s in new long[] { 1, 2 })
                {
                    // The first iteration has stride 1: output_padding 1 is rejected there.
                    var c = nn.ConvTranspose2d(1, 1, 2, stride: s, {|CONV001:output_padding: 1|});
                }

                var layers = new List<nn.Module<Tensor, Tensor>>();
                for (long i = 0; i < 3; i++)
                {
                    // The first iteration has stride 0.
                    layers.Add(nn.Conv2d(3, 3, 3, {|CONV002:stride: i|}));
                }

                var (p, q) = (1L, 2L);
                var d = nn.Conv2d(3, 3, 3, stride: q - 1);
            }
        }
        """);

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
