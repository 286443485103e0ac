using System;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.CodeFixes;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using VerifyChannels = ConvAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<ConvAnalyzers.Analyzers.NetworkAnalyzer, ConvAnalyzers.CodeFixes.ChannelMismatchFixer>;
using VerifyDecoder = ConvAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<ConvAnalyzers.Analyzers.NetworkAnalyzer, ConvAnalyzers.CodeFixes.DecoderMismatchFixer>;
using VerifyOutputPadding = ConvAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<ConvAnalyzers.Analyzers.LayerAnalyzer, ConvAnalyzers.CodeFixes.OutputPaddingFixer>;

namespace ConvAnalyzers.Tests.CodeFixes;

/// <summary>
/// Fixes where the responsible value lives (DESIGN §3): a constant passed to a block's constructor or a helper is
/// edited where it is written; a literal shared by several contexts is edited only when every context needs that edit.
/// </summary>
public sealed class ContextFixTests
{
    private const string DoubleConv = """

        public sealed class DoubleConv : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> net;

            public DoubleConv(long input, long output) : base(nameof(DoubleConv))
            {
                net = nn.Sequential(nn.Conv2d(input, output, 3, padding: 1), nn.BatchNorm2d(output), nn.ReLU(), nn.Conv2d(output, output, 3, padding: 1), nn.ReLU());
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => net.forward(x);
        }
        """;

    private static string UNetStem(string second) => NetworkAnalyzerSources.Usings + $$"""
        [ConvAnalyzers.InputShape(1, 3, 64, 64)]
        public sealed class UNetStem : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> first = new DoubleConv(3, 32);
            private readonly nn.Module<Tensor, Tensor> second = {{second}};

            public UNetStem() : base(nameof(UNetStem)) => RegisterComponents();

            public override Tensor forward(Tensor x) => second.forward(first.forward(x));
        }
        """ + DoubleConv;

    [Fact]
    public Task A_block_constructor_argument_is_fixed_where_it_is_written() =>
        VerifyChannels.VerifyCodeFixAsync(UNetStem("new DoubleConv({|CONV004:64|}, 128)"), UNetStem("new DoubleConv(32, 128)"), ChannelMismatchFixer.EquivalenceKey);

    [Fact]
    public async Task The_message_names_the_block_by_its_key_and_creating_call()
    {
        var compilation = await TestCompilation.CreateAsync(UNetStem("new DoubleConv(64, 128)"), (AttributesGenerator.HintName, AttributesGenerator.Source));
        var diagnostics = await compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        var message = Assert.Single(diagnostics, d => d.Id == "CONV004").GetMessage();
        Assert.StartsWith("for input [1,3,64,64] in second = DoubleConv(64, 128): ", message);
        Assert.Contains("64 channels", message);
    }

    private const string Blocks = """

        public static class Blocks
        {
            public static nn.Module<Tensor, Tensor> ConvBnAct(long input, long output, long kernel, long stride) =>
                nn.Sequential(nn.Conv2d(input, output, kernel, stride: stride, padding: kernel / 2), nn.BatchNorm2d(output), nn.ReLU());
        }
        """;

    private static string Backbone(string down) => NetworkAnalyzerSources.Usings + $$"""
        [ConvAnalyzers.InputShape(1, 3, 32, 32)]
        public sealed class Backbone : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(Blocks.ConvBnAct(3, 16, 3, 1), {{down}});

            public Backbone() : base(nameof(Backbone)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x);
        }
        """ + Blocks;

    [Fact]
    public Task A_helper_argument_is_fixed_where_it_is_written() =>
        VerifyChannels.VerifyCodeFixAsync(Backbone("Blocks.ConvBnAct({|CONV004:32|}, 64, 3, 2)"), Backbone("Blocks.ConvBnAct(16, 64, 3, 2)"), ChannelMismatchFixer.EquivalenceKey);

    private static string Heads(string head, string forward) => NetworkAnalyzerSources.Usings + $$"""
        public sealed class Head : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv = {{head}};

            public Head() : base(nameof(Head)) => RegisterComponents();

            public override Tensor forward(Tensor x) => conv.forward(x);
        }

        [ConvAnalyzers.InputShape(1, 32, 8, 8)]
        public sealed class ThreeHeads : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> squeeze = nn.Conv2d(32, 16, 1);
            private readonly nn.Module<Tensor, Tensor> a = new Head();
            private readonly nn.Module<Tensor, Tensor> b = new Head();
            private readonly nn.Module<Tensor, Tensor> c = new Head();

            public ThreeHeads() : base(nameof(ThreeHeads)) => RegisterComponents();

            public override Tensor forward(Tensor x) => {{forward}};
        }
        """;

    [Fact]
    public Task A_literal_shared_by_every_context_is_fixed_when_every_context_needs_the_same_value() =>
        VerifyChannels.VerifyCodeFixAsync(
            Heads("{|CONV004:nn.Conv2d(16, 8, 1)|}", "a.forward(x) + b.forward(x) + c.forward(x)"),
            Heads("nn.Conv2d(32, 8, 1)", "a.forward(x) + b.forward(x) + c.forward(x)"),
            ChannelMismatchFixer.EquivalenceKey);

    /// <summary>The CONV004 of <paramref name="source"/> is reported and no code action changes the source.</summary>
    private static Task VerifyNoChannelFix(string source) =>
        new VerifyChannels.Test { TestCode = source, FixedCode = source, NumberOfIncrementalIterations = 0, NumberOfFixAllIterations = 0 }.RunAsync();

    [Fact]
    public Task A_literal_shared_by_contexts_that_disagree_is_not_fixed()
    {
        // Head a receives 16 channels and works; b and c receive 32: setting the literal to 32 would break a.
        var source = Heads("{|CONV004:nn.Conv2d(16, 8, 1)|}", "a.forward(squeeze.forward(x)) + b.forward(x) + c.forward(x)");
        return VerifyNoChannelFix(source);
    }

    [Fact]
    public async Task A_shared_literal_message_names_each_failing_context_by_key_and_creation()
    {
        var compilation = await TestCompilation.CreateAsync(
            TestMarkup.Strip(Heads("nn.Conv2d(16, 8, 1)", "a.forward(squeeze.forward(x)) + b.forward(x) + c.forward(x)")),
            (AttributesGenerator.HintName, AttributesGenerator.Source));
        var diagnostics = await compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        var conv004 = Assert.Single(diagnostics, d => d.Id == "CONV004");
        Assert.StartsWith("for input [1,32,8,8] in b = Head() and [1,32,8,8] in c = Head(): ", conv004.GetMessage());
        Assert.False(conv004.Properties.ContainsKey("edit.span"));
    }

    private static string Pyramid(string join, string forward, string widths) => NetworkAnalyzerSources.Usings + $$"""
        public sealed class Pool : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> reduce;
            private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(5, stride: 1, padding: 2);
            private readonly nn.Module<Tensor, Tensor> join;

            public Pool(long channels) : base(nameof(Pool))
            {
                var hidden = channels / 2;
                reduce = nn.Conv2d(channels, hidden, 1);
                join = {{join}};
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var y = reduce.forward(x);
                var p1 = pool.forward(y);
                var p2 = pool.forward(p1);
                return join.forward(torch.cat({{forward}}, 1));
            }
        }

        [ConvAnalyzers.InputShape(1, 3, 32, 32)]
        public sealed class Pyramid : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> net = nn.Sequential({{widths}});

            public Pyramid() : base(nameof(Pyramid)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x);
        }

        public static class Layers
        {
            public static nn.Module<Tensor, Tensor> Pointwise(long input, long output) => nn.Conv2d(input, output, 1);
        }
        """;

    /// <summary>
    /// cat joins two or three tensors of hidden channels; the expression counted otherwise. Directly in the factory
    /// call, or passed to a helper; one block or two that need the same literal; each operator and literal side.
    /// </summary>
    [Theory]
    [InlineData("nn.Conv2d({|CONV004:hidden * 2|}, channels, 1)", "nn.Conv2d(hidden * 3, channels, 1)", "y, p1, p2", "new Pool(32)")]
    [InlineData("Layers.Pointwise({|CONV004:hidden + 8|}, channels)", "Layers.Pointwise(hidden + 16, channels)", "y, p1", "new Pool(32), new Pool(32)")]
    [InlineData("Layers.Pointwise(({|CONV004:2 * hidden|}), channels)", "Layers.Pointwise((3 * hidden), channels)", "y, p1, p2", "new Pool(32)")]
    [InlineData("Layers.Pointwise({|CONV004:40 - hidden|}, channels)", "Layers.Pointwise(48 - hidden, channels)", "y, p1", "new Pool(32)")]
    public Task The_literal_of_an_expression_is_solved_so_that_the_expression_gives_the_received_channels(string before, string after, string joined, string blocks)
    {
        // A direct argument is reported at its call, a passed-in one at the expression.
        var direct = before.StartsWith("nn.", StringComparison.Ordinal);
        var marked = direct ? "{|CONV004:" + before.Replace("{|CONV004:", string.Empty).Replace("|}", string.Empty) + "|}" : before;
        return VerifyChannels.VerifyCodeFixAsync(
            Pyramid(marked, $"new[] {{ {joined} }}", "nn.Conv2d(3, 32, 3, padding: 1), " + blocks),
            Pyramid(after, $"new[] {{ {joined} }}", "nn.Conv2d(3, 32, 3, padding: 1), " + blocks),
            ChannelMismatchFixer.EquivalenceKey);
    }

    [Fact]
    public Task The_literal_of_an_expression_is_not_fixed_when_the_contexts_need_different_values()
    {
        // Blocks of 32 and 64 channels in two networks: hidden + 8 must become hidden + 16 in one, hidden + 32 in the other.
        var source = Pyramid("Layers.Pointwise({|CONV004:hidden + 8|}, channels)", "new[] { y, p1 }", "nn.Conv2d(3, 32, 3, padding: 1), new Pool(32)") + """

            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class WidePyramid : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 64, 3, padding: 1), new Pool(64));

                public WidePyramid() : base(nameof(WidePyramid)) => RegisterComponents();

                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """;
        return VerifyNoChannelFix(source);
    }

    private static string Decoders(string up2, string up3) => NetworkAnalyzerSources.Usings + $$"""
        public sealed class Up : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> up;

            public Up(long channels, long outputPadding) : base(nameof(Up))
            {
                up = nn.ConvTranspose2d(channels, channels, 3, stride: 2, padding: 1, output_padding: outputPadding);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => up.forward(x);
        }

        [ConvAnalyzers.InputShape(1, 8, 32, 32)]
        public sealed class Twice : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> down1 = nn.Conv2d(8, 8, 3, stride: 2, padding: 1);
            private readonly nn.Module<Tensor, Tensor> down2 = nn.Conv2d(8, 8, 3, stride: 2, padding: 1);
            private readonly nn.Module<Tensor, Tensor> up2 = {{up2}};
            private readonly nn.Module<Tensor, Tensor> up1 = {{up3}};

            public Twice() : base(nameof(Twice)) => RegisterComponents();

            public override Tensor forward(Tensor x) => up1.forward(up2.forward(down2.forward(down1.forward(x))));
        }
        """;

    [Fact]
    public Task A_decoder_output_padding_passed_to_a_block_is_fixed_at_that_argument() =>
        VerifyDecoder.VerifyCodeFixAsync(
            Decoders("new Up(8, 1)", "new Up(8, {|CONV005:0|})"),
            Decoders("new Up(8, 1)", "new Up(8, 1)"),
            DecoderMismatchFixer.EquivalenceKey);

    private static string UpBlocks(string second) => LayerAnalyzerSources.Usings + $$"""
        public sealed class Up : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> up;

            public Up(long padding, long outputPadding) : base(nameof(Up))
            {
                up = nn.ConvTranspose2d(4, 4, 3, stride: 2, padding: padding, output_padding: outputPadding);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => up.forward(x);
        }

        public static class Decoders
        {
            public static Up First() => new Up(1, 1);

            public static Up Second() => {{second}};
        }
        """;

    [Fact]
    public Task An_output_padding_passed_to_a_block_is_fixed_with_its_padding_at_the_creating_call() =>
        VerifyOutputPadding.VerifyCodeFixAsync(UpBlocks("new Up(2, {|CONV001:3|})"), UpBlocks("new Up(1, 1)"), OutputPaddingFixer.SameSizeKey);

    private static string NormBlocks(string norm, string blocks) => NetworkAnalyzerSources.Usings + $$"""
        public sealed class NormConv : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;
            private readonly nn.Module<Tensor, Tensor> norm;

            public NormConv(long inChannels, long outChannels, long groups) : base(nameof(NormConv))
            {
                conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
                norm = {{norm}};
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => norm.forward(conv.forward(x));
        }

        [ConvAnalyzers.InputShape(2, 8, 16, 16)]
        public sealed class NormStack : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> blocks = nn.Sequential({{blocks}});

            public NormStack() : base(nameof(NormStack)) => RegisterComponents();

            public override Tensor forward(Tensor x) => blocks.forward(x);
        }
        """;

    [Fact]
    public Task A_norm_sized_by_the_wrong_parameter_gets_the_parameter_that_holds_what_it_receives_in_every_context() =>
        // The 8 passed to the second block also sizes its conv, so it cannot change; outChannels is 8 and 16 where the norm receives 8 and 16.
        VerifyChannels.VerifyCodeFixAsync(
            NormBlocks("nn.GroupNorm(groups, inChannels)", "new NormConv(8, 8, 4), new NormConv({|CONV004:8|}, 16, 4)"),
            NormBlocks("nn.GroupNorm(groups, outChannels)", "new NormConv(8, 8, 4), new NormConv(8, 16, 4)"),
            ChannelMismatchFixer.EquivalenceKey);

    [Fact]
    public Task A_norm_fix_is_not_offered_when_two_variables_hold_what_it_receives()
    {
        // outChannels and groups are both 16 in the failing block and both 8 in the other: which one was meant is unknown.
        var source = NormBlocks("nn.GroupNorm(4, inChannels)", "new NormConv(8, 8, 8), new NormConv({|CONV004:8|}, 16, 16)");
        return VerifyNoChannelFix(source);
    }

    [Fact]
    public Task A_norm_literal_is_set_to_what_the_layer_receives() =>
        VerifyChannels.VerifyCodeFixAsync(
            NormBlocks("{|CONV004:nn.GroupNorm(groups, 8)|}", "new NormConv(8, 16, 4)"),
            NormBlocks("nn.GroupNorm(groups, 16)", "new NormConv(8, 16, 4)"),
            ChannelMismatchFixer.EquivalenceKey);

    private static string Tokens(string norm) => NetworkAnalyzerSources.Usings + $$"""
        [ConvAnalyzers.InputShape(2, 3, 32, 32)]
        public sealed class Tokens : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> proj;
            private readonly nn.Module<Tensor, Tensor> norm;

            public Tokens() : this(4, 24) { }

            public Tokens(long patch, long dim) : base(nameof(Tokens))
            {
                proj = nn.Conv2d(3, dim, patch, stride: patch);
                norm = {{norm}};
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => norm.forward(proj.forward(x).flatten(2));
        }
        """;

    [Fact]
    public Task A_layer_norm_whose_size_is_a_shared_parameter_gets_the_received_size_in_its_only_context()
    {
        // dim (24) also sizes the conv; no variable holds the 64 tokens; the one context of the call needs 64.
        var source = Tokens("nn.LayerNorm(dim)").Replace("this(4, 24)", "this(4, {|CONV004:24|})", StringComparison.Ordinal);
        return VerifyChannels.VerifyCodeFixAsync(source, Tokens("nn.LayerNorm(64)"), ChannelMismatchFixer.EquivalenceKey);
    }
}
