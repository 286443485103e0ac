using ConvAnalyzers.Binding;
using ConvAnalyzers.Interpretation;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvAnalyzers.Tests.Interpretation;

/// <summary>
/// Memoised summaries (DESIGN.md §3): a call that only computes from scalar arguments runs once per distinct
/// arguments and its result is reused; a call that touches the heap, the library or a static object always runs.
/// Reusing a summary must give what running the call again gives.
/// </summary>
public sealed class SummaryTests
{
    private const string Source = """
        using System.Collections.Generic;
        using TorchSharp;
        using static TorchSharp.torch;

        public static class Sizes
        {
            public static readonly long[] Widths = { 16, 32 };

            public static long Out(long size, long kernel, long stride) => (size - kernel) / stride + 1;

            public static long Deep(long size) => Out(Out(size, 3, 2), 3, 2);

            public static long Widest() => Widths[1];

            public static List<long> Listed(long size) => new List<long> { size };

            public static nn.Module<Tensor, Tensor> Layer(long channels) => nn.Conv2d(channels, channels, 3);
        }

        public static class Calls
        {
            public static long Repeated()
            {
                long total = 0;
                for (var i = 0; i < 40; i++)
                {
                    total += Sizes.Out(32, 3, 2) + Sizes.Deep(64);
                }

                return total + Sizes.Out(17, 3, 2);
            }

            public static long Effects()
            {
                var total = 0L;
                for (var i = 0; i < 3; i++)
                {
                    total += Sizes.Widest() + Sizes.Listed(5)[0];
                    Sizes.Layer(8);
                }

                return total;
            }
        }
        """;

    private static async Task<(Interpreter Interpreter, Value Result)> Run(string method)
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var calls = compilation.GetTypeByMetadataName("Calls")!;
        var interpreter = new Interpreter(compilation, TorchLibrary.Create(compilation)!, Budget.Default, default);
        var result = interpreter.Invoke(calls.GetMembers(method).OfType<IMethodSymbol>().Single(), null, [], new State(), null, uncertain: false);
        return (interpreter, result);
    }

    [Fact]
    public async Task A_computing_helper_runs_once_per_distinct_arguments()
    {
        var (interpreter, result) = await Run("Repeated");

        // Out(32,3,2) = 15, Deep(64) = Out(Out(64,3,2),3,2) = Out(31,3,2) = 15, Out(17,3,2) = 8: 40·30 + 8.
        Assert.Equal(1208L, Assert.IsType<NumberValue>(result).Known);

        // Out(32,3,2), Out(64,3,2), Out(31,3,2), Deep(64), Out(17,3,2), and Repeated() itself, which only computes too:
        // six summaries, however often the loop calls them.
        Assert.Equal(6, interpreter.SummaryCount);
    }

    [Fact]
    public async Task Helpers_with_effects_are_not_summarised()
    {
        var (interpreter, result) = await Run("Effects");

        // Widest reads a static array, Listed allocates a list, Layer builds a layer: each runs every time.
        Assert.Equal(3 * (32L + 5), Assert.IsType<NumberValue>(result).Known);
        Assert.Equal(0, interpreter.SummaryCount);
    }

    [Fact]
    public async Task A_summary_gives_what_running_the_call_again_gives()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var sizes = compilation.GetTypeByMetadataName("Sizes")!;
        var deep = sizes.GetMembers("Deep").OfType<IMethodSymbol>().Single();
        var interpreter = new Interpreter(compilation, TorchLibrary.Create(compilation)!, Budget.Default, default);
        var unknown = new UnknownValue("parameter size of Sizes.Deep");

        var first = interpreter.Invoke(deep, null, [unknown], new State(), null, uncertain: false);
        var steps = interpreter.Steps;
        var again = interpreter.Invoke(deep, null, [new UnknownValue("parameter size of Sizes.Deep")], new State(), null, uncertain: false);
        var stepsAfterAgain = interpreter.Steps;
        var other = interpreter.Invoke(deep, null, [new UnknownValue("another reason")], new State(), null, uncertain: false);

        // The same arguments (an unknown with the same reason) reuse the summary without a step; another reason is
        // another argument: it runs, and its result says why in its own words.
        Assert.Same(first, again);
        Assert.Equal(steps, stepsAfterAgain);
        Assert.True(interpreter.Steps > stepsAfterAgain);
        Assert.NotSame(first, other);

        // And a fresh interpreter, without summaries, computes the same.
        var fresh = new Interpreter(compilation, TorchLibrary.Create(compilation)!, Budget.Default, default);
        var recomputed = fresh.Invoke(deep, null, [new UnknownValue("parameter size of Sizes.Deep")], new State(), null, uncertain: false);
        Assert.Equal(Describe(first), Describe(recomputed));
    }

    private static string Describe(Value value) => value switch
    {
        UnknownValue u => "unknown: " + u.Reason,
        NumberValue n => n.ToString(),
        _ => value.GetType().Name,
    };
}
