using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.TestSources;

/// <summary>A valid program the analyzers must follow to the end: CONV000 at every layer it calls, no Warning or Error.</summary>
/// <param name="Source">The program; layer factory calls that forward never reaches carry <see cref="PrecisionSources.NotCalled"/>.</param>
public sealed record TracedCase(string Source);

/// <summary>
/// A valid program whose shapes the analyzers cannot know (DESIGN.md §3, "never guess"): silent, a CONV012 on one of
/// the sites marked <see cref="PrecisionSources.Unknown"/> whose message contains one of <paramref name="Reasons"/>,
/// and no whole shape claimed at a site marked <see cref="PrecisionSources.NoTrace"/>.
/// </summary>
/// <param name="Driver">
/// The body of <c>static IEnumerable&lt;(string Label, nn.Module&lt;Tensor, Tensor&gt; Module)&gt; Runs()</c>: every way
/// a real caller could build and change the module. It is compiled only for the TorchSharp run, never analyzed
/// (a <c>new</c> in it would give the analyzer the arguments the case says nobody passes). Each yielded module runs on
/// its [InputShape] inputs before the next step of the driver.
/// </param>
public sealed record UnknownCase(string Source, string Driver, IReadOnlyList<string> Reasons);

/// <summary>A program that drives the interpreter to its budgets: it must finish, throw nothing, report no Warning or
/// Error but the <paramref name="Allowed"/> ones (real findings a case may legitimately get), and claim no whole shape
/// at a site marked <see cref="PrecisionSources.NoTrace"/>.</summary>
public sealed record BudgetCase(string Source, IReadOnlyList<string> Allowed);

/// <summary>
/// The precision contract (DESIGN.md §3) as programs: (1) valid code the old analyzer called a channel mismatch
/// (CONV004) because it missed an in-place op, a broadcasting <c>+=</c> or a field replaced on the constructor path;
/// (2) valid code whose shapes depend on what the interpreter cannot know; (3) code that runs into every budget.
/// The analyzer tests assert the diagnostics; the libtorch tests compile (1) and (2) and run them in TorchSharp.
/// </summary>
public static class PrecisionSources
{
    public const string Usings = "using System; using System.Collections.Generic; using TorchSharp; using static TorchSharp.torch;\n";

    /// <summary>Marks a layer factory call that forward never reaches (no CONV000 expected, none recorded in TorchSharp).</summary>
    public const string NotCalled = "/*not called*/";

    /// <summary>Marks the call sites where the first unknown shape may be reported: the factory calls and the forward call
    /// of the module whose output the interpreter cannot know, and, when it loses that module altogether (a container
    /// changed by code it cannot read), the factory call of the first layer after it.</summary>
    public const string Unknown = "/*unknown*/";

    /// <summary>Marks a layer whose output differs between the ways a caller can build or change the module, or that the
    /// interpreter cannot know: a CONV000 there may leave dims unknown (<c>?</c>) but must not claim a whole shape.</summary>
    public const string NoTrace = "/*no trace*/";

    /// <summary>The assembly name of <see cref="VendorLibrary"/>, referenced as metadata only (no source).</summary>
    public const string VendorAssembly = "Vendor.Surgery";

    /// <summary>A library the program references as a compiled assembly: code the interpreter cannot read.</summary>
    public const string VendorLibrary = Usings + """
        namespace Vendor.Surgery
        {
            public static class Heads
            {
                /// <summary>Appends a 1x1 projection to 32 channels, as model-zoo helpers do.</summary>
                public static void AddProjection(TorchSharp.Modules.Sequential body, long channels) => body.append(nn.Conv2d(channels, 32, 1));
            }
        }
        """;

    /// <summary>(1) Regressions: each was a false CONV004 of the old analyzer.</summary>
    public static IReadOnlyDictionary<string, TracedCase> Traced { get; } = new Dictionary<string, TracedCase>
    {
        ["In_place_unsqueeze_adds_the_channel_dimension"] = new(Usings + """
            [ConvAnalyzers.InputShape(4, 28, 28)]
            public sealed class GrayscaleNet : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(1, 8, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
                private readonly nn.Module<Tensor, Tensor> flatten = nn.Flatten();
                private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(8 * 14 * 14, 10);

                public GrayscaleNet() : base(nameof(GrayscaleNet)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    // [N, H, W] images without a channel dimension: x itself becomes [N, 1, H, W].
                    x.unsqueeze_(1);
                    return fc.forward(flatten.forward(pool.forward(conv.forward(x))));
                }
            }
            """),
        ["In_place_unsqueeze_in_its_static_form"] = new(Usings + """
            [ConvAnalyzers.InputShape(8, 28, 28)]
            public sealed class StaticUnsqueezeNet : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(1, 4, 3);
                private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);

                public StaticUnsqueezeNet() : base(nameof(StaticUnsqueezeNet)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    torch.unsqueeze_(x, 1);   // the argument changes, as x.unsqueeze_(1) would
                    return pool.forward(conv.forward(x));
                }
            }
            """),
        ["In_place_squeeze_drops_the_frame_dimension"] = new(Usings + """
            [ConvAnalyzers.InputShape(2, 1, 3, 32, 32)]
            public sealed class SingleFrameNet : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 16, 3, stride: 2, padding: 1);
                private readonly nn.Module<Tensor, Tensor> norm = nn.BatchNorm2d(16);
                private readonly nn.Module<Tensor, Tensor> act = nn.ReLU();

                public SingleFrameNet() : base(nameof(SingleFrameNet)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    // A clip of one frame, [N, 1, C, H, W]: x itself becomes [N, C, H, W].
                    x.squeeze_(1);
                    return act.forward(norm.forward(conv.forward(x)));
                }
            }
            """),
        ["In_place_transpose_moves_channels_first"] = new(Usings + """
            [ConvAnalyzers.InputShape(2, 32, 32, 3)]
            public sealed class ChannelsLastNet : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 8, 5);
                private readonly nn.Module<Tensor, Tensor> norm = nn.BatchNorm2d(8);

                public ChannelsLastNet() : base(nameof(ChannelsLastNet)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    // Channels-last images [N, H, W, C]: x itself becomes [N, C, W, H].
                    x.transpose_(1, 3);
                    return norm.forward(conv.forward(x));
                }
            }
            """),
        ["Compound_add_of_a_broadcast_bias_keeps_the_feature_map"] = new(Usings + """
            [ConvAnalyzers.InputShape(2, 16, 8, 8)]
            public sealed class ContextBias : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> context = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(16, 16, 1));
                private readonly nn.Module<Tensor, Tensor> norm = nn.BatchNorm2d(16);
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(16, 8, 3);

                public ContextBias() : base(nameof(ContextBias)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var bias = context.forward(x);   // [N, 16, 1, 1]
                    x += bias;                       // [N, 16, 8, 8] += [N, 16, 1, 1]
                    x = x + bias;
                    var y = bias + norm.forward(x);  // the small operand first: still [N, 16, 8, 8]
                    return conv.forward(y);          // a 3x3 kernel needs the 8x8 map, not bias's 1x1
                }
            }
            """),
        ["Compound_add_broadcasts_a_mask_to_more_channels"] = new(Usings + """
            [ConvAnalyzers.InputShape(2, 16, 8, 8)]
            public sealed class GatedMask : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> mask = nn.Conv2d(16, 1, 1);
                private readonly nn.Module<Tensor, Tensor> gate = nn.AdaptiveAvgPool2d(1);
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(16, 32, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> norm = nn.BatchNorm2d(32);

                public GatedMask() : base(nameof(GatedMask)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var y = mask.forward(x);   // [N, 1, 8, 8]
                    y += gate.forward(x);      // C#'s += is y = y + ...: broadcasts to [N, 16, 8, 8], not in place
                    return norm.forward(conv.forward(y));
                }
            }
            """),
        ["Field_replaced_by_a_helper_called_from_the_constructor"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class Rebuilt : nn.Module<Tensor, Tensor>
            {
                private nn.Module<Tensor, Tensor> conv = {{NotCalled}} nn.Conv2d(3, 32, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> norm = nn.BatchNorm2d(64);

                public Rebuilt() : base(nameof(Rebuilt))
                {
                    conv = MakeConv(64);
                    RegisterComponents();
                }

                private static nn.Module<Tensor, Tensor> MakeConv(long channels) => nn.Conv2d(3, channels, 3, padding: 1);

                public override Tensor forward(Tensor x) => norm.forward(conv.forward(x));
            }
            """),
        ["Fields_assigned_by_Build_called_from_the_constructor"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(2, 3, 32, 32)]
            public sealed class Built : nn.Module<Tensor, Tensor>
            {
                private nn.Module<Tensor, Tensor> stem = {{NotCalled}} nn.Identity();
                private nn.Module<Tensor, Tensor> head = {{NotCalled}} nn.Linear(3 * 32 * 32, 10);

                public Built() : base(nameof(Built))
                {
                    Build(16);
                    RegisterComponents();
                }

                private void Build(long width)
                {
                    stem = nn.Sequential(nn.Conv2d(3, width, 3, stride: 2, padding: 1), nn.BatchNorm2d(width), nn.ReLU());
                    head = nn.Sequential(nn.Flatten(), nn.Linear(width * 16 * 16, 10));
                }

                public override Tensor forward(Tensor x) => head.forward(stem.forward(x));
            }
            """),
    };

    /// <summary>(2) Shapes the interpreter must leave unknown; a naive analyzer reports a mismatch in each.</summary>
    public static IReadOnlyDictionary<string, UnknownCase> Unknowns { get; } = new Dictionary<string, UnknownCase>
    {
        // No `new WidthChoice(...)` anywhere: wide is unknown, and conv and norm are chosen by it together.
        ["Branch_on_a_constructor_argument_nobody_passes"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class WidthChoice : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv;
                private readonly nn.Module<Tensor, Tensor> norm;

                public WidthChoice(bool wide) : base(nameof(WidthChoice))
                {
                    conv = wide ? {{Unknown}} nn.Conv2d(3, 64, 3) : {{Unknown}} nn.Conv2d(3, 32, 3);
                    if (wide)
                    {
                        norm = {{Unknown}} nn.BatchNorm2d(64);
                    }
                    else
                    {
                        norm = {{Unknown}} nn.BatchNorm2d(32);
                    }

                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => {{Unknown}} norm.forward(conv.forward(x));
            }
            """,
            """
            yield return ("wide: true", new WidthChoice(true));
            yield return ("wide: false", new WidthChoice(false));
            """,
            ["wide"]),
        ["Field_replaced_by_a_public_method"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(2, 3, 16, 16)]
            public sealed class Widening : nn.Module<Tensor, Tensor>
            {
                private nn.Module<Tensor, Tensor> conv = {{Unknown}} nn.Conv2d(3, 8, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> pool = {{Unknown}} {{NoTrace}} nn.AdaptiveAvgPool2d(4);
                private readonly nn.Module<Tensor, Tensor> flatten = {{NoTrace}} nn.Flatten();
                private nn.Module<Tensor, Tensor> fc = nn.Linear(8 * 4 * 4, 10);

                public Widening() : base(nameof(Widening)) => RegisterComponents();

                public void Widen()
                {
                    conv = {{Unknown}} nn.Conv2d(3, 16, 3, padding: 1);
                    fc = nn.Linear(16 * 4 * 4, 10);
                }

                public override Tensor forward(Tensor x) => fc.forward(flatten.forward(pool.forward({{Unknown}} conv.forward(x))));
            }
            """,
            """
            var model = new Widening();
            yield return ("before Widen", model);
            model.Widen();
            yield return ("after Widen", model);
            """,
            ["Widen", "outside the constructor"]),
        ["Loop_with_an_unknown_bound"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(1, 8, 32, 32)]
            public sealed class Tower : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> stages;
                private readonly nn.Module<Tensor, Tensor> head;

                public Tower() : base(nameof(Tower))
                {
                    var depth = Math.Min(Environment.ProcessorCount, 4);
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    long channels = 8;
                    for (var i = 0; i < depth; i++)
                    {
                        layers.Add({{Unknown}} nn.Conv2d(channels, channels * 2, 3, stride: 2, padding: 1));
                        channels *= 2;
                    }

                    stages = {{Unknown}} nn.Sequential(layers);
                    head = {{Unknown}} {{NoTrace}} nn.Conv2d(channels, 10, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => head.forward({{Unknown}} stages.forward(x));
            }
            """,
            """
            yield return ("this machine's depth", new Tower());
            """,
            ["ProcessorCount", "Min", "loop", "depth"]),
        ["Module_passed_to_an_external_library"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(1, 3, 16, 16)]
            public sealed class VendorPatched : nn.Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.Sequential body = {{Unknown}} nn.Sequential(nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU());
                private readonly nn.Module<Tensor, Tensor> head = {{Unknown}} {{NoTrace}} nn.Conv2d(32, 10, 1);

                public VendorPatched() : base(nameof(VendorPatched))
                {
                    Vendor.Surgery.Heads.AddProjection(body, 16);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => head.forward({{Unknown}} body.forward(x));
            }
            """,
            """
            yield return ("default", new VendorPatched());
            """,
            ["AddProjection", "Vendor"]),
        ["Module_passed_to_a_virtual_call_on_an_interface"] = new(Usings + $$"""
            public interface IStagePatch
            {
                void Apply(TorchSharp.Modules.Sequential stage);
            }

            public sealed class ProjectTo32 : IStagePatch
            {
                public void Apply(TorchSharp.Modules.Sequential stage) => stage.append(nn.Conv2d(16, 32, 1));
            }

            public sealed class PoolAndProjectTo32 : IStagePatch
            {
                public void Apply(TorchSharp.Modules.Sequential stage)
                {
                    stage.append(nn.MaxPool2d(2));
                    stage.append(nn.Conv2d(16, 32, 3, padding: 1));
                }
            }

            [ConvAnalyzers.InputShape(1, 3, 16, 16)]
            public sealed class Patched : nn.Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.Sequential body = {{Unknown}} nn.Sequential(nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU());
                private readonly nn.Module<Tensor, Tensor> head = {{Unknown}} {{NoTrace}} nn.Conv2d(32, 10, 1);

                public Patched(IStagePatch patch) : base(nameof(Patched))
                {
                    patch.Apply(body);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => head.forward({{Unknown}} body.forward(x));
            }
            """,
            """
            yield return ("ProjectTo32", new Patched(new ProjectTo32()));
            yield return ("PoolAndProjectTo32", new Patched(new PoolAndProjectTo32()));
            """,
            ["Apply", "patch"]),
        ["Cat_of_a_list_filled_in_an_unknown_bound_loop"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(2, 8, 16, 16)]
            public sealed class PyramidFeatures : nn.Module<Tensor, Tensor>
            {
                public static int Levels { get; set; } = 3;

                private readonly nn.Module<Tensor, Tensor> blur = nn.Conv2d(8, 8, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> head = {{Unknown}} {{NoTrace}} nn.AdaptiveAvgPool2d(1);

                public PyramidFeatures() : base(nameof(PyramidFeatures)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var features = new List<Tensor>();
                    var y = x;
                    for (var level = 0; level < Levels; level++)
                    {
                        y = blur.forward(y);
                        features.Add(y);
                    }

                    return {{Unknown}} head.forward(torch.cat(features, 1));
                }
            }
            """,
            """
            for (var levels = 1; levels <= 3; levels++)
            {
                PyramidFeatures.Levels = levels;
                yield return ($"Levels = {levels}", new PyramidFeatures());
            }
            """,
            ["Levels", "loop", "cat", "outside the constructor"]),
    };

    private static readonly string[] NoFinding = [];

    /// <summary>(3) Budgets: recursion, long loops, huge networks and constants, loops without a bound.</summary>
    public static IReadOnlyDictionary<string, BudgetCase> Budgets { get; } = new Dictionary<string, BudgetCase>
    {
        ["Recursion_10000_deep_with_a_decreasing_constant"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class DeepRecursion : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;

                public DeepRecursion() : base(nameof(DeepRecursion))
                {
                    body = Build(10_000);
                    RegisterComponents();
                }

                private static nn.Module<Tensor, Tensor> Build(int depth) => depth == 0 ? nn.Conv2d(8, 8, 3, padding: 1) : Build(depth - 1);

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Recursion_10000_deep_adding_to_a_list"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class RecursiveStack : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;

                public RecursiveStack() : base(nameof(RecursiveStack))
                {
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    AddBlocks(layers, 10_000);
                    body = nn.Sequential(layers);
                    RegisterComponents();
                }

                private static void AddBlocks(List<nn.Module<Tensor, Tensor>> layers, int n)
                {
                    if (n == 0)
                    {
                        return;
                    }

                    layers.Add(nn.Conv2d(8, 8, 3, padding: 1));
                    layers.Add(nn.ReLU());
                    AddBlocks(layers, n - 1);
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Unbounded_recursion"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class Forever : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;
                private readonly nn.Module<Tensor, Tensor> head;

                public Forever() : base(nameof(Forever))
                {
                    body = Grow(0);
                    head = Widen(8);
                    RegisterComponents();
                }

                private static nn.Module<Tensor, Tensor> Grow(int n) => Grow(n + 1);

                private static nn.Module<Tensor, Tensor> Widen(long channels) => channels < 0 ? nn.Conv2d(8, 8, 1) : Widen(channels * 2 + 1);

                public override Tensor forward(Tensor x) => head.forward(body.forward(x));
            }
            """, NoFinding),
        ["Mutually_recursive_helpers_building_modules"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class EvenOdd : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body = Even(10_000);

                public EvenOdd() : base(nameof(EvenOdd)) => RegisterComponents();

                private static nn.Module<Tensor, Tensor> Even(int n) => n == 0 ? nn.Identity() : nn.Sequential(nn.Conv2d(8, 8, 3, padding: 1), Odd(n - 1));

                private static nn.Module<Tensor, Tensor> Odd(int n) => n == 0 ? nn.Identity() : nn.Sequential(nn.ReLU(), Even(n - 1));

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Loop_of_100000_iterations_filling_a_Sequential"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class LongLoop : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;

                public LongLoop() : base(nameof(LongLoop))
                {
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    for (var i = 0; i < 100_000; i++)
                    {
                        layers.Add(nn.Conv2d(8, 8, 3, padding: 1));
                    }

                    body = nn.Sequential(layers);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Sequential_of_5000_layers_built_by_a_loop"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class DeepLoop : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;

                public DeepLoop() : base(nameof(DeepLoop))
                {
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    for (var i = 0; i < 2_500; i++)
                    {
                        layers.Add(nn.Conv2d(8, 8, 3, padding: 1));
                        layers.Add(nn.ReLU());
                    }

                    body = nn.Sequential(layers);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Free_sizes_on_a_Sequential_of_5000_layers"] = new(Usings + """
            [ConvAnalyzers.InputShape(-1, 8, -1, -1)]
            public sealed class DeepFree : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;

                public DeepFree() : base(nameof(DeepFree))
                {
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    for (var i = 0; i < 2_500; i++)
                    {
                        layers.Add(nn.Conv2d(8, 8, 3, stride: i % 500 == 499 ? 2 : 1, padding: 1));
                        layers.Add(nn.ReLU());
                    }

                    body = nn.Sequential(layers);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Sequential_of_5000_layers_written_out"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class DeepLiteral : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body = nn.Sequential(
                    {{string.Join(",\n        ", Enumerable.Repeat("nn.Conv2d(8, 8, 3, padding: 1), nn.ReLU()", 2_500))}});

                public DeepLiteral() : base(nameof(DeepLiteral)) => RegisterComponents();

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        // A kernel larger than any input is a real CONV003 (or a CONV002); overflowing sizes must not wrap into a guess.
        ["Huge_constants"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class HugeKernel : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 64, long.MaxValue);
                public HugeKernel() : base(nameof(HugeKernel)) => RegisterComponents();
                public override Tensor forward(Tensor x) => conv.forward(x);
            }

            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class HugePadding : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 64, 3, padding: long.MaxValue / 2);
                private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
                public HugePadding() : base(nameof(HugePadding)) => RegisterComponents();
                public override Tensor forward(Tensor x) => pool.forward(conv.forward(x));
            }

            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class HugeStride : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(3, 8, 3, stride: long.MaxValue);
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(8, 8, 3);
                public HugeStride() : base(nameof(HugeStride)) => RegisterComponents();
                public override Tensor forward(Tensor x) => conv.forward(up.forward(x));
            }

            [ConvAnalyzers.InputShape(1, 3, 9223372036854775807, 8)]
            public sealed class HugeInput : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 8, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(8, 8, 4, stride: 2, padding: 1);
                public HugeInput() : base(nameof(HugeInput)) => RegisterComponents();
                public override Tensor forward(Tensor x) => up.forward(conv.forward(x));
            }
            """, ["CONV002", "CONV003"]),
        // in_features long.MaxValue really differs from the 3,072 features Flatten delivers.
        ["Huge_feature_count"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class HugeLinear : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> head = nn.Sequential(nn.Flatten(), nn.Linear(long.MaxValue, 10));
                public HugeLinear() : base(nameof(HugeLinear)) => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(x);
            }
            """, ["CONV002", "CONV004"]),
        ["While_true_with_a_break_on_an_unknown_condition"] = new(Usings + $$"""
            [ConvAnalyzers.InputShape(1, 8, 32, 32)]
            public sealed class UntilTired : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> stages;
                private readonly nn.Module<Tensor, Tensor> head;

                public UntilTired() : base(nameof(UntilTired))
                {
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    long channels = 8;
                    while (true)
                    {
                        layers.Add(nn.Conv2d(channels, channels * 2, 3, stride: 2, padding: 1));
                        channels *= 2;
                        if (Environment.TickCount64 % 3 == 0)
                        {
                            break;
                        }
                    }

                    stages = nn.Sequential(layers);
                    head = {{NoTrace}} nn.Conv2d(channels, 10, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => head.forward(stages.forward(x));
            }
            """, NoFinding),
        ["Loop_that_ends_only_by_overflow"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class OverflowLoop : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> body;

                public OverflowLoop() : base(nameof(OverflowLoop))
                {
                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    for (var i = 0; i >= 0; i++)
                    {
                        layers.Add(nn.Conv2d(8, 8, 3, padding: 1));
                    }

                    body = nn.Sequential(layers);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, NoFinding),
        ["Forward_recursion_10000_deep"] = new(Usings + """
            [ConvAnalyzers.InputShape(1, 8, 16, 16)]
            public sealed class Refine : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> step = nn.Conv2d(8, 8, 3, padding: 1);
                private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(8, 2, 1);

                public Refine() : base(nameof(Refine)) => RegisterComponents();

                private Tensor Iterate(Tensor x, int n) => n == 0 ? x : Iterate(step.forward(x), n - 1);

                public override Tensor forward(Tensor x) => head.forward(Iterate(x, 10_000));
            }
            """, NoFinding),
    };
}

/// <summary>
/// How the precision tests read the sources and the diagnostics: the layer factory calls, the marked sites, the
/// traced shapes of CONV000 (Properties["shapes"]), and the compilation options that raise CONV000 and CONV012.
/// </summary>
public static class PrecisionSites
{
    /// <summary>Containers are not layers: their elements are.</summary>
    private static readonly HashSet<string> Containers = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"];

    /// <summary>CONV000 and CONV012 are hidden by default and computed only where raised: raise them to Info, below
    /// Warning, so that "no Warning or Error" still means silent.</summary>
    public static CSharpCompilationOptions RaiseTraces(CSharpCompilationOptions options) =>
        options.WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions
            .SetItem("CONV000", ReportDiagnostic.Info)
            .SetItem("CONV012", ReportDiagnostic.Info));

    /// <summary>Every call of a <c>torch.nn</c> factory that returns a layer (a module that is not a container), by symbol.</summary>
    public static List<InvocationExpressionSyntax> LayerFactories(SemanticModel model)
    {
        var nn = model.Compilation.GetTypeByMetadataName("TorchSharp.torch+nn");
        var module = model.Compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        var found = new List<InvocationExpressionSyntax>();
        foreach (var invocation in model.SyntaxTree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(invocation).Symbol is IMethodSymbol { IsStatic: true } method
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, nn)
                && !Containers.Contains(method.Name)
                && DerivesFrom(method.ReturnType, module))
            {
                found.Add(invocation);
            }
        }

        return found;
    }

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The spans of the outermost invocations that start right after <paramref name="marker"/> (a comment is
    /// trailing trivia of the token before it when it stands on that token's line).</summary>
    public static List<TextSpan> Marked(SyntaxTree tree, string marker) =>
        tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(i => i.GetFirstToken().LeadingTrivia.Concat(i.GetFirstToken().GetPreviousToken().TrailingTrivia).Any(t => t.ToString() == marker))
            .Where(i => !i.Ancestors().OfType<InvocationExpressionSyntax>().Any(a => a.GetFirstToken() == i.GetFirstToken()))
            .Select(i => i.Span)
            .ToList();

    /// <summary>The (layer input, layer output) pairs of a CONV000, from Properties["shapes"]: <c>contextKey|input|output</c>
    /// entries separated by ';', dims separated by ',', <c>?</c> for an unknown dim. Null when the property is missing.</summary>
    public static List<(string Input, string Output)>? Shapes(Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue("shapes", out var text) || text is null)
        {
            return null;
        }

        return text.Split([';'], StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('|'))
            .Where(parts => parts.Length >= 3)
            .Select(parts => (Normalize(parts[parts.Length - 2]), Normalize(parts[parts.Length - 1])))
            .ToList();
    }

    private static string Normalize(string dims) => string.Join(",", dims.Split(',').Select(d => d.Trim()));
}
