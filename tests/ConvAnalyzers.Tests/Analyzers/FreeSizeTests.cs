using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>CONV011: which sizes a network written with -1 in [InputShape] accepts, and the nearest ones when a size fails.</summary>
public sealed class FreeSizeTests
{
    public static TheoryData<string> Cases() => new(FreeSizeSources.All.Keys);

    public static TheoryData<string> RealIdiomCases() => new(FreeSizeSources.RealIdioms().Select(r => r.Name));

    private static string SourceOf(string name) =>
        FreeSizeSources.All.TryGetValue(name, out var source) ? source : FreeSizeSources.RealIdioms().Single(r => r.Name == name).Source;

    private static Task<Compilation> CompilationFor(string source) =>
        TestCompilation.CreateAsync(TestMarkup.Strip(source), (AttributesGenerator.HintName, AttributesGenerator.Source));

    private static async Task<IReadOnlyList<Diagnostic>> Diagnostics(string source)
    {
        var compilation = await CompilationFor(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return await compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>The analyzer's own answers for the first file: what the CONV011 message must name exactly.</summary>
    private static async Task<List<FreeSizeAnswer>> Answers(string source)
    {
        var compilation = await CompilationFor(source);
        var tree = compilation.SyntaxTrees.First();
        var library = TorchLibrary.Create(compilation)!;
        var runs = new NetworkRuns(compilation, library, ShapeAttributes.For(compilation), CancellationToken.None).RunsOf(tree, compilation.GetSemanticModel(tree)).ToList();
        return runs.SelectMany(r => r.Recorder.FreeSizes.Select(f => f.Answer)).ToList();
    }

    [Theory]
    [InlineData(new long[] { 16, 32, 48, 64 }, "16k (16…64)")]
    [InlineData(new long[] { 3, 7, 11 }, "4k+3 (3…11)")]
    [InlineData(new long[] { 1, 2, 3, 4 }, "every size (1…4)")]
    [InlineData(new long[] { 5 }, "5")]
    [InlineData(new long[] { 5, 9 }, "5, 9")]
    [InlineData(new long[] { 2, 4, 6, 7, 8, 9 }, "2k (2…6) or every size (7…9)")]
    [InlineData(new long[] { 1, 5, 6, 7, 8, 20, 30 }, "1 or every size (5…8) or 20, 30")]
    [InlineData(new long[] { 1, 2, 3, 10, 20, 30, 100, 200, 300, 1000, 1500, 2000, 3000, 3010, 3020 }, "15 sizes from 1 to 3020")]
    [InlineData(new long[] { 1, 10, 11, 20, 21, 30, 31, 40, 41 }, "1, 10, 11, 20, 21, 30, 31, 40 or 41")]
    [InlineData(new long[0], "no size")]
    public void The_notation_names_exactly_the_set(long[] sizes, string expected)
    {
        Assert.Equal(expected, SizeSet.Format(sizes));
        var expanded = SizeSetNotation.Expand(expected);
        if (expanded is not null)
        {
            Assert.Equal(sizes, expanded);
        }
    }

    [Fact]
    public void Random_sets_read_back_as_themselves()
    {
        var random = new Random(11);
        for (var n = 0; n < 2000; n++)
        {
            // Unions of a few progressions and loose sizes, as real networks give them.
            var set = new SortedSet<long>();
            for (var p = random.Next(1, 4); p > 0; p--)
            {
                var step = random.Next(1, 40);
                var lo = random.Next(1, 4096);
                var hi = Math.Min(4096, lo + (step * random.Next(0, 200)));
                for (var s = lo; s <= hi; s += step)
                {
                    set.Add(s);
                }
            }

            var text = SizeSet.Format(set.ToList());
            if (SizeSetNotation.Expand(text) is { } expanded)
            {
                Assert.True(set.SetEquals(expanded), $"{text} names [{string.Join(",", expanded.Take(20))}…], not [{string.Join(",", set.Take(20))}…]");
            }
            else
            {
                Assert.Equal($"{set.Count} sizes from {set.Min} to {set.Max}", text);
            }
        }
    }

    [Fact]
    public async Task A_UNet_with_four_pools_accepts_multiples_of_16()
    {
        var diagnostics = await Diagnostics(FreeSizeSources.UNet4);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var conv011 = Assert.Single(diagnostics, d => d.Id == "CONV011");
        Assert.Equal("accepts H = 16k (16…4096), W = 16k (16…4096) (each with the other free sizes at 16, the smallest size all of them accept); returns the input size for every accepted size", conv011.GetMessage());
        Assert.Equal("[ConvAnalyzers.InputShape(-1, 1, -1, -1)]", "[" + conv011.Location.SourceTree!.GetText().ToString(conv011.Location.SourceSpan) + "]");
    }

    [Theory]
    [InlineData("UNet_depth_3", "accepts H = 8k (8…4096), W = 8k (8…4096)")]
    [InlineData("UNet_depth_5", "accepts H = 32k (32…4096), W = 32k (32…4096)")]
    [InlineData("UNet3d_depth_2", "accepts D = 4k (4…4096), H = 4k (4…4096), W = 4k (4…4096)")]
    [InlineData("DCGAN_discriminator", "accepts every H (64…79), every W (64…79)")]
    [InlineData("Audio_1d_flatten_to_linear", "accepts every L (23…26)")]
    [InlineData("Autoencoder", "accepts H = 2k (2…4096), W = 2k (2…4096)")]
    [InlineData("UNet_padding_odd_sizes", "accepts every H (2…4096), every W (2…4096)")]
    public async Task Each_network_reports_its_sets(string name, string start)
    {
        var message = Assert.Single(await Diagnostics(FreeSizeSources.All[name]), d => d.Id == "CONV011").GetMessage();
        Assert.StartsWith(start, message);
    }

    /// <summary>
    /// The summary names every size of 1..4096 the analyzer computed as accepted and no other, and the sizes returned;
    /// and no valid network gets a Warning or Error for its free sizes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(RealIdiomCases))]
    public async Task The_message_names_exactly_the_computed_sets(string name)
    {
        var source = SourceOf(name);
        var diagnostics = await Diagnostics(source);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var answers = await Answers(source);
        Assert.Equal(FreeSizeSources.Unanswered.Contains(name), answers.Count == 0);
        if (answers.Count == 0)
        {
            // Something the interpreter does not know on the path: no CONV011, never a guess.
            Assert.DoesNotContain(diagnostics, d => d.Id == "CONV011");
            return;
        }

        var answer = Assert.Single(answers.Distinct());
        Assert.Equal(answer.Message, Assert.Single(diagnostics, d => d.Id == "CONV011").GetMessage());
        var (accepted, returned) = SizeSetNotation.Read(answer.Message);
        foreach (var dimension in answer.Dimensions)
        {
            Assert.Equal(dimension.Accepted, accepted[dimension.Name]!);
            if (answer.HasDecoder)
            {
                Assert.Equal(dimension.Returned, returned![dimension.Name]!);
            }
        }
    }

    /// <summary>
    /// Replaying recorded traces judges every size as running forward on it does: the same sets, held sizes, returned
    /// sizes and rejections, for every network of the suite.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(RealIdiomCases))]
    public async Task Replayed_sizes_are_judged_as_runs_judge_them(string name)
    {
        var source = SourceOf(name);
        var compilation = await CompilationFor(source);
        List<FreeSizeAnswer> AnswersOf(bool runEverySize, out FreeSizeSweep.SizeJudgeTotals totals)
        {
            var tree = compilation.SyntaxTrees.First();
            var library = TorchLibrary.Create(compilation)!;
            FreeSizeSweep.SizeJudge.RunEverySize = runEverySize;
            FreeSizeSweep.SizeJudge.Totals = totals = new FreeSizeSweep.SizeJudgeTotals();
            SizeTrace.CaptureBreaks = true;
            try
            {
                var runs = new NetworkRuns(compilation, library, ShapeAttributes.For(compilation), CancellationToken.None).RunsOf(tree, compilation.GetSemanticModel(tree)).ToList();
                return runs.SelectMany(r => r.Recorder.FreeSizes.Select(f => f.Answer)).ToList();
            }
            finally
            {
                FreeSizeSweep.SizeJudge.RunEverySize = false;
                FreeSizeSweep.SizeJudge.Totals = null;
            }
        }

        static string Describe(FreeSizeAnswer a) => a.Message + " | held " + a.Held + " | " + string.Join(" | ", a.Dimensions.Select(d =>
            $"{d.Name}: accepted {string.Join(",", d.Accepted)}; returned {string.Join(",", d.Returned)}; empty {string.Join(",", d.EmptyTransposed)}; mis-shaped {string.Join(",", d.MisShaped)}"));
        var replayed = AnswersOf(false, out var withReplay);
        var run = AnswersOf(true, out var everySize);
        Assert.Equal(run.Select(Describe), replayed.Select(Describe));
        if (run.Count > 0)
        {
            Assert.True(withReplay.Runs < everySize.Runs, $"{withReplay.Runs} runs with replay, {everySize.Runs} without; broken: {string.Join("\n---\n", withReplay.Broken.Take(2))}");
        }
    }

    /// <summary>The sweep against the analysis of concrete inputs: on sampled sizes, accepted exactly when the concrete network is silent.</summary>
    [Theory]
    [InlineData("UNet_depth_3")]
    [InlineData("DCGAN_discriminator")]
    [InlineData("Audio_1d_flatten_to_linear")]
    [InlineData("Autoencoder")]
    [InlineData("ResNet")]
    public async Task The_sweep_agrees_with_concrete_analysis(string name)
    {
        var source = FreeSizeSources.All[name];
        var answer = Assert.Single((await Answers(source)).Distinct());
        var first = answer.Dimensions[0];
        var random = new Random(5);
        var sizes = new[] { 1L, 2, 7, 8, 9, 15, 16, 63, 64, 79, 80, 81, 250, 256 }.Concat(Enumerable.Range(0, 4).Select(_ => (long)random.Next(1, 4097))).Distinct();
        foreach (var size in sizes)
        {
            var concrete = System.Text.RegularExpressions.Regex.Replace(source, @"InputShape\(([^)]*)\)", m =>
            {
                var written = m.Groups[1].Value.Split(',').Select(t => t.Trim()).ToArray();
                var dims = written.Select((t, i) => i == 0 && t == "-1" ? "2" : t != "-1" ? t : i == first.Position ? size.ToString() : answer.Held.ToString());
                return $"InputShape({string.Join(", ", dims)})";
            });
            var failing = (await Diagnostics(concrete)).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(first.Accepted.Contains(size) == (failing.Count == 0), $"{first.Name} = {size}: the sweep says {(first.Accepted.Contains(size) ? "accepted" : "rejected")}, the concrete analysis reports {string.Join("; ", failing.Select(d => d.Id + " " + d.GetMessage()))}");
        }
    }

    [Fact]
    public async Task Traces_of_free_sizes_use_the_smallest_accepted_sizes_and_say_so()
    {
        var compilation = await CompilationFor(FreeSizeSources.UNet4);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(compilation.Options.SpecificDiagnosticOptions.SetItem("CONV000", ReportDiagnostic.Info)));
        var traces = (await compilation.WithAnalyzers([new NetworkAnalyzer()]).GetAnalyzerDiagnosticsAsync()).Where(d => d.Id == "CONV000").Select(d => d.GetMessage()).ToList();
        Assert.Contains(traces, t => t.StartsWith("[N,1,16,16] → [N,8,16,16]", StringComparison.Ordinal) && t.EndsWith("(the smallest accepted sizes of H, W)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_UNet_on_250_names_the_nearest_accepted_sizes()
    {
        var diagnostics = await Diagnostics(NetworkAnalyzerSources.UNet(250, broken: false));
        Assert.Contains("(250 fails here; nearest accepted: 240, 256)", Assert.Single(diagnostics, d => d.Id == "CONV005").GetMessage());
        Assert.Contains("(250 fails here; nearest accepted: 240, 256)", Assert.Single(diagnostics, d => d.Id == "CONV010").GetMessage());
    }

    [Fact]
    public async Task A_discovered_input_names_the_nearest_accepted_sizes()
    {
        var source = NetworkAnalyzerSources.UNet(250, broken: false).Replace("[ConvAnalyzers.InputShape(1, 1, 250, 250)]\n", string.Empty) + """

            public static class Program
            {
                public static void Run() => new UNet().forward(torch.randn(2, 1, 250, 250));
            }
            """;
        var diagnostics = await Diagnostics(source);
        Assert.Contains("for input [2,1,250,250]: ", Assert.Single(diagnostics, d => d.Id == "CONV010").GetMessage());
        Assert.Contains("(250 fails here; nearest accepted: 240, 256)", Assert.Single(diagnostics, d => d.Id == "CONV010").GetMessage());
    }

    [Fact]
    public async Task A_channel_mismatch_names_no_sizes()
    {
        var source = FreeSizeSources.UNet4.Replace("InputShape(-1, 1, -1, -1)", "InputShape(1, 3, 64, 64)");
        var conv004 = Assert.Single(await Diagnostics(source), d => d.Id == "CONV004");
        Assert.DoesNotContain("nearest accepted", conv004.GetMessage());
    }

    [Fact]
    public async Task A_network_that_takes_no_size_says_which_layer_rejects_them_all()
    {
        // 4·(H−2)·(W−2) features are never 7.
        var source = NetworkAnalyzerSources.Usings + """
            [ConvAnalyzers.InputShape(-1, 1, -1, -1)]
            public sealed class Never : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(1, 4, 3);
                private readonly nn.Module<Tensor, Tensor> head = nn.Linear(7, 2);

                public Never() : base(nameof(Never)) => RegisterComponents();

                public override Tensor forward(Tensor x) => head.forward(conv.forward(x).flatten(1));
            }
            """;
        var diagnostics = await Diagnostics(source);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal("accepts no H = W (equal sizes) in 1…4096: every size is rejected, by Conv2d on line 5 or Linear on line 6", Assert.Single(diagnostics, d => d.Id == "CONV011").GetMessage());
    }

    [Fact]
    public async Task A_free_channel_is_CONV002_on_the_attribute()
    {
        var source = FreeSizeSources.UNet4.Replace("InputShape(-1, 1, -1, -1)", "InputShape(-1, -1, -1, -1)");
        var conv002 = Assert.Single(await Diagnostics(source), d => d.Id == "CONV002");
        Assert.Contains("the channel count at position 1 must be a number", conv002.GetMessage());
        Assert.Equal("ConvAnalyzers.InputShape(-1, -1, -1, -1)", conv002.Location.SourceTree!.GetText().ToString(conv002.Location.SourceSpan));
    }

    [Fact]
    public async Task A_symbolic_batch_alone_is_followed_like_a_number()
    {
        var source = NetworkAnalyzerSources.UNet(250, broken: false).Replace("InputShape(1, 1, 250, 250)", "InputShape(-1, 1, 250, 250)");
        var diagnostics = await Diagnostics(source);
        Assert.Contains("for input [N,1,250,250]", Assert.Single(diagnostics, d => d.Id == "CONV010").GetMessage());
        Assert.DoesNotContain(diagnostics, d => d.Id == "CONV011");
    }

    [Fact]
    public async Task An_unknown_layer_on_the_path_means_no_CONV011()
    {
        var source = FreeSizeSources.Autoencoder.Replace("nn.Sequential(nn.Conv2d(1, 8, 3, stride: 2, padding: 1), nn.ReLU())", "Make()")
            .Replace("public FreeAutoencoder()", "private static nn.Module<Tensor, Tensor> Make() => (nn.Module<Tensor, Tensor>)System.Activator.CreateInstance(Type.GetType(\"X\")!)!;\n    public FreeAutoencoder()");
        var diagnostics = await Diagnostics(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "CONV011");
    }
}
