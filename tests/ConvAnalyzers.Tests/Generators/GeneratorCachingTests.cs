using System.Collections;
using System.Reflection;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ConvAnalyzers.Tests.Generators;

/// <summary>The generator stays incremental: equal models for equal input, Cached/Unchanged steps after edits that do not matter.</summary>
public sealed class GeneratorCachingTests
{
    private static readonly string Source = GeneratorSources.All["Seed3d"].Source;

    private static async Task<(GeneratorDriver Driver, Compilation Compilation)> FirstRun()
    {
        var compilation = await Verifiers.TestCompilation.CreateAsync(Source, (AttributesGenerator.HintName, AttributesGenerator.Source));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new MirrorDecoderGenerator().AsSourceGenerator()], driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        return (driver, compilation);
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static IEnumerable<IncrementalStepRunReason> OutputReasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public async Task An_unrelated_edit_leaves_every_step_cached()
    {
        var (driver, compilation) = await FirstRun();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int Value => 42; }", (CSharpParseOptions)compilation.SyntaxTrees.First().Options));
        driver = driver.RunGenerators(edited);
        Assert.All(Reasons(driver, MirrorDecoderGenerator.ParseStep), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(OutputReasons(driver), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public async Task A_comment_in_the_encoder_leaves_the_output_unchanged()
    {
        var (driver, compilation) = await FirstRun();
        var tree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("public sealed class Encoder", "// the encoder\n        public sealed class Encoder"))));
        driver = driver.RunGenerators(edited);
        Assert.Contains(IncrementalStepRunReason.Unchanged, Reasons(driver, MirrorDecoderGenerator.ParseStep));
        Assert.All(OutputReasons(driver), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public async Task Changing_an_encoder_constant_regenerates()
    {
        var (driver, compilation) = await FirstRun();
        var tree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("nn.Conv3d(256, 128, 3, stride: 2, padding: 1)", "nn.Conv3d(256, 64, 3, stride: 2, padding: 1)").Replace("BatchNorm3d(128)", "BatchNorm3d(64)"))));
        driver = driver.RunGenerators(edited);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, MirrorDecoderGenerator.ParseStep));
        Assert.Contains("ConvTranspose3d(64, 256", driver.GetRunResult().GeneratedTrees.Single().ToString());
    }

    private const string EncoderUsingAConstant = """
        using TorchSharp;
        using static TorchSharp.torch;

        namespace G
        {
            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, Widths.Hidden, 3, stride: 2, padding: 1), nn.ReLU());
                public Encoder() : base("Encoder") => RegisterComponents();
                public override Tensor forward(Tensor x) => net.forward(x);
            }

            [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
            public partial class Decoder { }
        }
        """;

    private static async Task<(GeneratorDriver Driver, Compilation Compilation)> RunWithConstant(int hidden)
    {
        var compilation = await Verifiers.TestCompilation.CreateAsync(EncoderUsingAConstant, (AttributesGenerator.HintName, AttributesGenerator.Source),
            ("Widths.cs", $"public static class Widths {{ public const int Hidden = {hidden}; }}"));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new MirrorDecoderGenerator().AsSourceGenerator()], driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return (driver.RunGenerators(compilation), compilation);
    }

    private static CSharpParseOptions Options(Compilation compilation) => (CSharpParseOptions)compilation.SyntaxTrees.First().Options;

    /// <summary>The parse cache keeps a result only while every file it read is unchanged: here a constant in another file.</summary>
    [Fact]
    public async Task Changing_a_constant_in_another_file_regenerates()
    {
        var (driver, compilation) = await RunWithConstant(16);
        Assert.Contains("ConvTranspose2d(16, 3", driver.GetRunResult().GeneratedTrees.Single().ToString());
        var widths = compilation.SyntaxTrees.Single(t => t.FilePath == "Widths.cs");
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(widths, CSharpSyntaxTree.ParseText("public static class Widths { public const int Hidden = 24; }", Options(compilation), "Widths.cs")));
        Assert.Contains("ConvTranspose2d(24, 3", driver.GetRunResult().GeneratedTrees.Single().ToString());
    }

    /// <summary>A new type that the encoder's names now bind to (it shadows Widths) is seen, though no file the encoder read changed.</summary>
    [Fact]
    public async Task A_new_type_that_shadows_a_name_the_encoder_uses_regenerates()
    {
        var (driver, compilation) = await RunWithConstant(16);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace G { public static class Widths { public const int Hidden = 8; } }", Options(compilation), "Shadow.cs")));
        Assert.Contains("ConvTranspose2d(8, 3", driver.GetRunResult().GeneratedTrees.Single().ToString());
    }

    [Fact]
    public async Task An_edit_elsewhere_reuses_the_result_of_a_decoder_that_reads_a_constant_in_another_file()
    {
        var (driver, compilation) = await RunWithConstant(16);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int Value => 42; }", Options(compilation), "Unrelated.cs")));
        Assert.All(Reasons(driver, MirrorDecoderGenerator.ParseStep), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Contains("ConvTranspose2d(16, 3", driver.GetRunResult().GeneratedTrees.Single().ToString());
    }

    private const string EncoderOfBlocks = """
        using TorchSharp;
        using static TorchSharp.torch;

        [ConvAnalyzers.InputShape(1, 3, 32, 32)]
        public sealed class Encoder : nn.Module<Tensor, Tensor>
        {
            private readonly Down first = new Down(3, 8);
            private readonly Down second = new Down(8, 16);
            public Encoder() : base("Encoder") => RegisterComponents();
            public override Tensor forward(Tensor x) => second.forward(first.forward(x));
        }

        [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
        public partial class Decoder { }
        """;

    private static string Block(int stride) => $$"""
        using TorchSharp;
        using static TorchSharp.torch;

        public sealed class Down : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;
            public Down(long cin, long cout) : base("Down") { conv = nn.Conv2d(cin, cout, 3, stride: {{stride}}, padding: 1); RegisterComponents(); }
            public override Tensor forward(Tensor x) => conv.forward(x);
        }
        """;

    /// <summary>The encoder's layers live in a block class of another file: editing the block regenerates, an unrelated edit does not.</summary>
    [Fact]
    public async Task A_block_class_in_another_file_is_a_dependency_of_the_decoder()
    {
        var compilation = await Verifiers.TestCompilation.CreateAsync(EncoderOfBlocks, (AttributesGenerator.HintName, AttributesGenerator.Source), ("Down.cs", Block(2)));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new MirrorDecoderGenerator().AsSourceGenerator()], driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        Assert.Contains("new long[] { 1, 16, 8, 8 }", driver.GetRunResult().GeneratedTrees.Single().ToString());

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int Value => 42; }", Options(compilation), "Unrelated.cs")));
        Assert.All(Reasons(driver, MirrorDecoderGenerator.ParseStep), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));

        var block = compilation.SyntaxTrees.Single(t => t.FilePath == "Down.cs");
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(block, CSharpSyntaxTree.ParseText(Block(1), Options(compilation), "Down.cs")));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, MirrorDecoderGenerator.ParseStep));
        Assert.Contains("new long[] { 1, 16, 32, 32 }", driver.GetRunResult().GeneratedTrees.Single().ToString());
    }

    /// <summary>The generator instance outlives compilations (the IDE keeps it): what it keeps must not hold an old compilation.</summary>
    [Fact]
    public void A_kept_result_does_not_keep_its_compilation_alive()
    {
        var generator = new MirrorDecoderGenerator();
        var (first, next) = RunTwiceAndForgetTheFirstCompilation(generator);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(first.IsAlive, "the parse cache keeps the first compilation alive");
        Assert.Single(next.GetRunResult().GeneratedTrees);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (WeakReference First, GeneratorDriver Next) RunTwiceAndForgetTheFirstCompilation(MirrorDecoderGenerator generator)
    {
        var compilation = Verifiers.TestCompilation.CreateAsync(EncoderUsingAConstant, (AttributesGenerator.HintName, AttributesGenerator.Source),
            ("Widths.cs", "public static class Widths { public const int Hidden = 16; }")).GetAwaiter().GetResult();
        CSharpGeneratorDriver.Create([generator.AsSourceGenerator()]).RunGenerators(compilation);
        // A new compilation over the same trees (as after an edit elsewhere): the decoder's node, the cache key, lives on.
        var second = CSharpCompilation.Create("Second", compilation.SyntaxTrees, compilation.References, (CSharpCompilationOptions)compilation.Options);
        var next = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()]).RunGenerators(second);
        return (new WeakReference(compilation), next);
    }

    [Fact]
    public async Task Equal_input_gives_equal_models_and_no_symbol_syntax_or_compilation_in_them()
    {
        var (driver, _) = await FirstRun();
        var (again, _) = await FirstRun();
        var first = driver.GetRunResult().Results[0].TrackedSteps[MirrorDecoderGenerator.ParseStep].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
        var second = again.GetRunResult().Results[0].TrackedSteps[MirrorDecoderGenerator.ParseStep].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
        Assert.Equal(first, second);
        Assert.Equal(first.Select(v => v.GetHashCode()), second.Select(v => v.GetHashCode()));
        foreach (var value in first)
        {
            Walk(value, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    private static void Walk(object? value, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree, $"{value.GetType()} in a pipeline value");
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Walk(item, seen);
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.GetValue(value), seen);
        }
    }
}
