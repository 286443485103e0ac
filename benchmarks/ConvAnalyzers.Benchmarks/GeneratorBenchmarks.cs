using BenchmarkDotNet.Attributes;
using ConvAnalyzers.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ConvAnalyzers.Benchmarks;

/// <summary>The mirror-decoder generator on 100 and 1,000 [MirrorDecoder] classes: cold, after an unrelated edit, after an encoder edit.</summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _unrelated = null!;
    private CSharpCompilation _encoderEdit = null!;
    private GeneratorDriver _warm = null!;

    [Params(100, 1000)]
    public int Decoders { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var trees = SyntheticSolution.Files(0);
        for (var i = 0; i < Decoders; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Encoder(i, 2), new CSharpParseOptions(LanguageVersion.Latest), $"Encoder{i}.cs"));
        }

        _compilation = SyntheticSolution.Create(trees, withTorchSharp: true);
        _unrelated = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int X => 1; }", new CSharpParseOptions(LanguageVersion.Latest)));
        var first = _compilation.SyntaxTrees.First(t => t.FilePath == "Encoder0.cs");
        _encoderEdit = _compilation.ReplaceSyntaxTree(first, CSharpSyntaxTree.ParseText(Encoder(0, 4), new CSharpParseOptions(LanguageVersion.Latest), "Encoder0.cs"));
        _warm = Driver().RunGenerators(_compilation);
    }

    private static string Encoder(int i, int stride) => $$"""
        namespace G{{i}}
        {
            [ConvAnalyzers.InputShape(2, 3, 64, 64)]
            public sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 16, 3, stride: {{stride}}, padding: 1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding: 1));
                public Encoder() : base("Encoder") => RegisterComponents();
                public override Tensor forward(Tensor x) => net.forward(x);
            }

            [ConvAnalyzers.MirrorDecoder(typeof(Encoder))]
            public partial class Decoder { }
        }
        """;

    private static GeneratorDriver Driver() => CSharpGeneratorDriver.Create([new MirrorDecoderGenerator().AsSourceGenerator()], driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    /// <summary>
    /// A new driver on a copy of the compilation, so that nothing bound or computed for the compilation in an earlier
    /// iteration (semantic models, the interpreter's per-compilation graphs) is reused: the first run on opening a project.
    /// </summary>
    [Benchmark(Baseline = true)]
    public int Cold() => Driver().RunGenerators(_compilation.Clone()).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int WarmAfterUnrelatedEdit() => _warm.RunGenerators(_unrelated).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int WarmAfterEncoderEdit() => _warm.RunGenerators(_encoderEdit).GetRunResult().GeneratedTrees.Length;
}
