using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using VerifyCS = ConvAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ConvAnalyzers.Analyzers.NetworkAnalyzer>;

namespace ConvAnalyzers.Tests.Analyzers;

public sealed class NetworkAnalyzerTests
{
    public static TheoryData<string> Cases() => new(NetworkAnalyzerSources.All.Keys);

    private static VerifyCS.Test Test(string source, bool traces = false)
    {
        var test = new VerifyCS.Test { TestCode = source };
        test.TestState.Sources.Add((AttributesGenerator.HintName, AttributesGenerator.Source));
        if (!traces)
        {
            test.DisabledDiagnostics.Add("CONV000");
            test.DisabledDiagnostics.Add("CONV008");
        }

        return test;
    }

    /// <summary>Every shared source (tests/Shared): the Warning/Error diagnostics are the markup in the source.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public Task Reports_exactly_the_marked_diagnostics(string name) => Test(NetworkAnalyzerSources.All[name]).RunAsync();

    private static async Task<IReadOnlyList<Diagnostic>> Diagnostics(string source)
    {
        // Collect instead of asserting the markup: these tests read the messages.
        var compilation = await CompilationFor(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        // CONV000 and CONV012 are computed only where raised above Hidden (see Traces_are_computed_only_where_raised).
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("CONV000", ReportDiagnostic.Info).SetItem("CONV012", ReportDiagnostic.Info)));
        return await compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    private static Task<Compilation> CompilationFor(string source) => TestCompilation.CreateAsync(
        TestMarkup.Strip(source), (AttributesGenerator.HintName, AttributesGenerator.Source));

    /// <summary>
    /// A root created with a target-typed <c>new(...)</c> in a method: a typed local (the declared type is the created
    /// type), an argument, a return, and a typed local in a file with a using alias.
    /// The constructor argument of that creation is what the analysis runs with: 64 channels where the head expects 32.
    /// </summary>
    [Theory]
    [InlineData("Net model = new(64); model.forward(torch.zeros(1, 3, 16, 16));", "")]
    [InlineData("Use(new(64));", "static void Use(Net net) { }")]
    [InlineData("var net = Make();", "static Net Make() => new(64);")]
    [InlineData("Alias model = new(64);", "", "using Alias = Net;")]
    public async Task A_target_typed_creation_gives_the_root_its_arguments(string statement, string member, string usings = "")
    {
        var source = usings + """

            using TorchSharp;
            using static TorchSharp.torch;

            [ConvAnalyzers.InputShape(1, 3, 16, 16)]
            public sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> stem;
                private readonly nn.Module<Tensor, Tensor> head = nn.Conv2d(32, 8, 3);

                public Net(long width) : base(nameof(Net))
                {
                    stem = nn.Conv2d(3, width, 3);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => head.forward(stem.forward(x));
            }

            public static class Program
            {
                public static void Run()
                {
            """ + statement + """

                }

            """ + member + """

            }
            """;
        var found = (await Diagnostics(source)).Where(d => d.Id == "CONV004").ToList();
        var mismatch = Assert.Single(found);
        Assert.Contains("64", mismatch.GetMessage(), StringComparison.Ordinal);

        // The same program creating it with 32 channels is silent.
        Assert.DoesNotContain(await Diagnostics(source.Replace("new(64)", "new(32)", StringComparison.Ordinal)), d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public async Task Seed_decoder_message_shows_both_shapes_the_arithmetic_and_the_fix()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.SeedAutoencoder("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1)"));
        var conv005 = Assert.Single(diagnostics, d => d.Id == "CONV005");
        var message = conv005.GetMessage();
        Assert.Contains("for input [2,256,24,32,24]", message);
        Assert.Contains("D 12 → (12−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 23, but its encoder layer Conv3d received 24", message);
        Assert.Contains("H 16 → (16−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 31", message);
        Assert.EndsWith("set output_padding: 1", message);
    }

    /// <summary>
    /// CONV000 and CONV012 are Hidden and computed only where something raises them (DESIGN §4): nothing by default
    /// or when set to silent; a per-file entry (editorconfig), a global one, the compilation's specific options and
    /// the category's bulk entry each turn them on.
    /// </summary>
    [Fact]
    public async Task Traces_are_computed_only_where_raised()
    {
        var compilation = await CompilationFor(NetworkAnalyzerSources.SeedAutoencoder("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1)"));
        async Task<int> Traces(Compilation c, AnalyzerConfigOptionsProvider? config = null)
        {
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([], config ?? new ConfigProvider([])), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            var diagnostics = await c.WithAnalyzers([new NetworkAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
            return diagnostics.Count(d => d.Id == "CONV000");
        }

        Compilation With(SyntaxTreeOptionsProvider provider) => compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(provider));
        var tree = compilation.SyntaxTrees.First();

        Assert.Equal(0, await Traces(compilation));
        Assert.Equal(0, await Traces(With(new TreeOptions(tree, "CONV000", ReportDiagnostic.Hidden, global: false))));
        Assert.Equal(2, await Traces(With(new TreeOptions(tree, "CONV000", ReportDiagnostic.Info, global: false))));
        Assert.Equal(2, await Traces(With(new TreeOptions(null, "CONV000", ReportDiagnostic.Warn, global: true))));
        Assert.Equal(2, await Traces(compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new("CONV000", ReportDiagnostic.Error)]))));
        Assert.Equal(2, await Traces(compilation, new ConfigProvider(new() { ["dotnet_analyzer_diagnostic.category-TorchSharp.Shapes.severity"] = "suggestion" })));
        Assert.Equal(0, await Traces(compilation, new ConfigProvider(new() { ["dotnet_analyzer_diagnostic.category-TorchSharp.Shapes.severity"] = "silent" })));
        // A file's own entry wins over the bulk entry.
        Assert.Equal(0, await Traces(With(new TreeOptions(tree, "CONV000", ReportDiagnostic.Suppress, global: false)),
            new ConfigProvider(new() { ["dotnet_analyzer_diagnostic.severity"] = "warning" })));
    }

    private sealed class TreeOptions(SyntaxTree? tree, string id, ReportDiagnostic report, bool global) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree syntaxTree, CancellationToken cancellationToken) => GeneratedKind.NotGenerated;

        public override bool TryGetDiagnosticValue(SyntaxTree syntaxTree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = report;
            return !global && syntaxTree == tree && diagnosticId == id;
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = report;
            return global && diagnosticId == id;
        }
    }

    private sealed class ConfigProvider(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options = new(values);

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options([]);

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    [Fact]
    public async Task Seed_decoder_without_padding_is_fixed_by_padding_and_output_padding()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.SeedAutoencoder("nn.ConvTranspose3d(128, 256, 3, 2)"));
        var message = Assert.Single(diagnostics, d => d.Id == "CONV005").GetMessage();
        Assert.Contains("= 25, but its encoder layer Conv3d received 24", message);
        Assert.EndsWith("set padding: 1, output_padding: 1", message);
    }

    [Fact]
    public async Task Shape_trace_and_encoder_drop_for_the_working_seed()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.SeedAutoencoder("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1)"));
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var traces = diagnostics.Where(d => d.Id == "CONV000").Select(d => d.GetMessage()).ToList();
        Assert.True(traces.Count == 2, string.Join("\n", diagnostics.Select(d => d.Id + ": " + d.GetMessage())));
        Assert.Contains(traces, m => m.StartsWith("[2,256,24,32,24] → [2,128,12,16,12]", StringComparison.Ordinal));
        Assert.Contains(traces, m => m.StartsWith("[2,128,12,16,12] → [2,256,24,32,24]", StringComparison.Ordinal));
        var drop = Assert.Single(diagnostics, d => d.Id == "CONV008");
        Assert.Contains("needs output_padding 1", drop.GetMessage());
    }

    [Fact]
    public async Task Stalled_generator_names_the_stage_that_stops_growing()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.Generator(2, 2));
        var message = Assert.Single(diagnostics, d => d.Id == "CONV009").GetMessage();
        Assert.Contains("forward returns [16,1,2,2], but [OutputShape] declares [−1,1,32,32]", message);
        Assert.Contains("the spatial size stops growing at ConvTranspose2d on line", message);
        Assert.Contains("[16,128,2,2] → [16,64,2,2]", message);
    }

    [Fact]
    public async Task Several_inputs_are_named_in_one_diagnostic()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.All["Several_inputs_one_diagnostic_naming_the_failing_ones"]);
        var message = Assert.Single(diagnostics, d => d.Id == "CONV003").GetMessage();
        Assert.Contains("[1,1,4,4]", message);
        Assert.Contains("[1,1,5,5]", message);
        Assert.DoesNotContain("[1,1,32,32]", message);
        Assert.Contains(diagnostics, d => d.Id == "CONV000" && d.GetMessage().StartsWith("[1,1,32,32] → [1,4,26,26] (⌊(32 + 2·0 − 1·(7−1) − 1) / 1⌋ + 1 = 26", StringComparison.Ordinal));
    }

    [Fact]
    public Task Constant_tensor_passed_to_forward_is_an_input_at_compilation_end() =>
        Test(NetworkAnalyzerSources.Usings + """
            public sealed class Decoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> up = {|CONV004:nn.ConvTranspose2d(64, 32, 4, stride: 2, padding: 1)|};

                public Decoder() : base(nameof(Decoder)) => RegisterComponents();

                public override Tensor forward(Tensor x) => up.forward(x);
            }

            public static class Program
            {
                public static void Main()
                {
                    var model = new Decoder();
                    var y = model.forward(torch.randn(new long[] { 8, 128, 16, 16 }));
                    var z = model.call(torch.zeros(8, 64, 16, 16));
                }
            }
            """).RunAsync();

    [Fact]
    public Task Sequential_held_in_a_local_is_followed_from_a_constant_tensor() =>
        Test(NetworkAnalyzerSources.Usings + """
            public static class Program
            {
                public static void Main()
                {
                    var seq = nn.Sequential(("conv", nn.Conv2d(3, 16, 5)), ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()), ("fc", {|CONV004:nn.Linear(16 * 16 * 16, 10)|}));
                    var logits = seq.forward(torch.randn(new long[] { 4, 3, 32, 32 }));
                }
            }
            """).RunAsync();

    [Fact]
    public async Task UNet_on_odd_input_reports_where_30_meets_31()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.UNet(250, broken: false));
        Assert.Contains("= 30, but its encoder layer MaxPool2d received 31", Assert.Single(diagnostics, d => d.Id == "CONV005").GetMessage());
        Assert.Contains("[1,64,30,30] and [1,64,31,31]", Assert.Single(diagnostics, d => d.Id == "CONV010").GetMessage());
    }
    /// <summary>
    /// The U-Net idiom that pads the up-sampled map to its skip: on an odd size the up-convolution gives a row less than
    /// its encoder layer received, but the forward pads it back before the join, so TorchSharp runs it with the right
    /// shape: no CONV005 (a Warning there would be one on code that runs). Without the pad the same size is CONV005.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_up_sampled_map_padded_to_its_skip_is_no_decoder_mismatch(bool pads)
    {
        var source = TestSources.FreeSizeSources.PaddedUNet.Replace("InputShape(-1, 1, -1, -1)", "InputShape(1, 1, 33, 33)");
        if (!pads)
        {
            source = source.Replace("u = nn.functional.pad(u, new long[] { 0, e.shape[3] - u.shape[3], 0, e.shape[2] - u.shape[2] });", "u = nn.functional.relu(u);");
        }

        var diagnostics = await Diagnostics(source);
        if (pads)
        {
            Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        }
        else
        {
            Assert.Contains("= 32, but its encoder layer MaxPool2d received 33", Assert.Single(diagnostics, d => d.Id == "CONV005").GetMessage());
        }
    }

    private const string Stages = """
        public sealed class BasicBlock : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;

            public BasicBlock(long input, long output, long stride) : base(nameof(BasicBlock))
            {
                conv = nn.Conv2d(input, output, 3, stride: stride, padding: 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => conv.forward(x);
        }

        [ConvAnalyzers.InputShape(1, 64, 32, 32)]
        public sealed class ResNet : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> layers = nn.Sequential(("stage1a", new BasicBlock(64, 128, 2)), ("stage1b", new BasicBlock(STAGE1B, 128, 1)));

            public ResNet() : base(nameof(ResNet)) => RegisterComponents();

            public override Tensor forward(Tensor x) => layers.forward(x);
        }
        """;

    [Fact]
    public async Task A_layer_in_several_contexts_names_each_by_its_key_and_creating_call()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.Usings + Stages.Replace("STAGE1B", "64"));
        var conv004 = Assert.Single(diagnostics, d => d.Id == "CONV004");
        Assert.StartsWith("for input [1,64,32,32] in layers.stage1b = BasicBlock(64, 128, 1): ", conv004.GetMessage());
        Assert.Equal("64", conv004.Location.SourceTree!.GetText().ToString(conv004.Location.SourceSpan));
        Assert.Equal("128", conv004.Properties["edit.text"]);

        var trace = Assert.Single(diagnostics, d => d.Id == "CONV000").GetMessage();
        Assert.StartsWith("in layers.stage1a = BasicBlock(64, 128, 2): [1,64,32,32] → [1,128,16,16]", trace);
    }

    [Fact]
    public Task A_constant_passed_to_a_block_is_where_the_channel_mismatch_goes() =>
        Test(NetworkAnalyzerSources.Usings + Stages.Replace("STAGE1B", "{|CONV004:64|}")).RunAsync();
}
