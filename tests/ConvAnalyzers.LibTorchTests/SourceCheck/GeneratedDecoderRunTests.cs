using System.Globalization;
using System.Reflection;
using System.Text;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// Generated decoders compiled in memory (batched into few compilations) and run on libtorch:
/// decoder(encoder(x)) has x's shape and VerifyShapes passes, for the snapshot encoders, the block-built encoders of
/// tests/ConvAnalyzers.Tests/Generators/Encoders, the real-idiom models, and seeded random ones.
/// CONV_DECODER_CASES sets the random count (default 240); CONV_DECODER_DEVICE a device ("cuda" on a CUDA build of
/// libtorch; CPU here, where CUDA is not available).
/// </summary>
public sealed class GeneratedDecoderRunTests
{
    private readonly ITestOutputHelper _output;

    public GeneratedDecoderRunTests(ITestOutputHelper output) => _output = output;

    private static torch.Device Device() => torch.device(Environment.GetEnvironmentVariable("CONV_DECODER_DEVICE") ?? "cpu");

    private static (Assembly Assembly, IReadOnlyList<Diagnostic> Diagnostics) Generate(IEnumerable<(string Path, string Source)> files)
    {
        var compilation = InMemoryCompiler.Compile("Decoders" + Guid.NewGuid().ToString("N"), files.Append((AttributesGenerator.HintName, AttributesGenerator.Source)));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new MirrorDecoderGenerator());
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        // Why a decoder is not generated is reported by MirrorDecoderAnalyzer, not by the generator.
        var analyzer = output.WithAnalyzers([new MirrorDecoderAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return (InMemoryCompiler.Load(output), diagnostics.Concat(result.Diagnostics).Concat(analyzer).ToList());
    }

    private static void RoundTrip(Assembly assembly, string encoderName, string decoderName, long[] input)
    {
        using var scope = torch.NewDisposeScope();
        var device = Device();
        // Built as the generator builds it: the constructor whose parameters all have defaults, with those defaults.
        var constructor = assembly.GetType(encoderName)!.GetConstructors().Where(c => c.GetParameters().All(p => p.IsOptional)).OrderBy(c => c.GetParameters().Length).First();
        var encoder = (torch.nn.Module<torch.Tensor, torch.Tensor>)constructor.Invoke(constructor.GetParameters().Select(p => p.DefaultValue).ToArray());
        var decoderType = assembly.GetType(decoderName)!;
        var decoder = (torch.nn.Module<torch.Tensor, torch.Tensor>)Activator.CreateInstance(decoderType, device, null)!;
        encoder.to(device);
        using var noGrad = torch.no_grad();
        var x = torch.zeros(input, device: device);
        var y = decoder.call(encoder.call(x));
        Assert.Equal(input, y.shape);
        decoderType.GetMethod("VerifyShapes")!.Invoke(decoder, [device]);
        var trace = (IReadOnlyList<long[]>)decoderType.GetProperty("ShapeTrace")!.GetValue(null)!;
        Assert.Equal(input, trace[^1]);
    }

    public static TheoryData<string> Cases() => new(GeneratorSources.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Snapshot_decoders_reproduce_their_encoder_input(string name)
    {
        LibTorch.EnsureLoaded();
        var (source, decoder, input) = GeneratorSources.All[name];
        var (assembly, diagnostics) = Generate([("Case.cs", source)]);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var encoder = assembly.GetTypes().Single(t => t.Name.EndsWith("Encoder", StringComparison.Ordinal) && !t.Name.EndsWith("Decoder", StringComparison.Ordinal)).FullName!;
        RoundTrip(assembly, encoder, decoder, input);
    }

    /// <summary>The encoders of tests/ConvAnalyzers.Tests/Generators/Encoders (blocks, helpers, loops), the sources the snapshot tests read.</summary>
    public static TheoryData<string> BuiltEncoders() => new(Directory.GetFiles(EncodersDirectory(), "*.cs.txt").Select(f => Path.GetFileName(f)[..^".cs.txt".Length]).Order(StringComparer.Ordinal));

    private static string EncodersDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests/ConvAnalyzers.Tests/Generators/Encoders");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/ConvAnalyzers.Tests/Generators/Encoders above " + AppContext.BaseDirectory);
    }

    [Theory]
    [MemberData(nameof(BuiltEncoders))]
    public void Decoders_of_encoders_built_from_blocks_reproduce_their_input(string name)
    {
        LibTorch.EnsureLoaded();
        var (assembly, diagnostics) = Generate([(name + ".cs", File.ReadAllText(Path.Combine(EncodersDirectory(), name + ".cs.txt")))]);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        // Each [MirrorDecoder(typeof(E))] class names its encoder; the input is E's [InputShape] (or the attribute's own).
        var decoders = assembly.GetTypes().Where(t => t.GetMethod("VerifyShapes") is not null).ToList();
        Assert.NotEmpty(decoders);
        foreach (var decoder in decoders)
        {
            var mirror = decoder.CustomAttributes.Single(a => a.AttributeType.Name == "MirrorDecoderAttribute");
            var encoder = (Type)mirror.ConstructorArguments[0].Value!;
            var shape = mirror.ConstructorArguments.Count > 1
                ? mirror.ConstructorArguments[1]
                : encoder.CustomAttributes.Single(a => a.AttributeType.Name == "InputShapeAttribute").ConstructorArguments[0];
            var input = ((IReadOnlyCollection<CustomAttributeTypedArgument>)shape.Value!).Select(v => (long)v.Value!).ToArray();
            RoundTrip(assembly, encoder.FullName!, decoder.FullName!, input);
        }
    }

    /// <summary>
    /// Every [InputShape] class of the valid real-idiom models (blocks, helpers, loops, containers, functional ops, view
    /// heads) given a [MirrorDecoder]: the generator either refuses with one CONV104-CONV106 or emits a decoder that
    /// compiles and reproduces the encoder's input on libtorch.
    /// </summary>
    [Fact]
    public void Real_idiom_encoders_get_a_decoder_that_reproduces_their_input_or_one_reason_why_not()
    {
        LibTorch.EnsureLoaded();
        var generated = new List<string>();
        var refused = new List<string>();
        foreach (var model in RealIdiomModels.All.Where(m => m.Bug is null))
        {
            var root = CSharpSyntaxTree.ParseText(model.Source).GetRoot();
            var encoders = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
                .Where(c => c.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().EndsWith("InputShape", StringComparison.Ordinal)))
                .Select(c => string.Join(".", c.AncestorsAndSelf().Select(a => a switch
                {
                    Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax t => t.Identifier.ValueText,
                    Microsoft.CodeAnalysis.CSharp.Syntax.BaseNamespaceDeclarationSyntax n => n.Name.ToString(),
                    _ => null,
                }).Where(n => n is not null).Reverse()))
                .ToList();
            for (var i = 0; i < encoders.Count; i++)
            {
                var decoderName = $"RealIdiomMirror{i}";
                var (assembly, diagnostics) = Generate([("Model.cs", model.Source), ("Mirror.cs", $"[ConvAnalyzers.MirrorDecoder(typeof(global::{encoders[i]}))] public partial class {decoderName} {{ }}")]);
                var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                var decoder = assembly.GetType(decoderName);
                if (decoder?.GetMethod("VerifyShapes") is null)
                {
                    var reason = Assert.Single(errors, e => e.Id is "CONV104" or "CONV105" or "CONV106");
                    refused.Add($"{model.Name} {encoders[i]}: {reason.Id} {reason.GetMessage()}");
                    continue;
                }

                Assert.Empty(errors);
                var input = ((IReadOnlyCollection<CustomAttributeTypedArgument>)assembly.GetType(encoders[i])!.CustomAttributes
                    .First(a => a.AttributeType.Name == "InputShapeAttribute").ConstructorArguments[0].Value!).Select(v => (long)v.Value!).ToArray();
                RoundTrip(assembly, encoders[i], decoderName, input);
                generated.Add($"{model.Name} {encoders[i]}");
            }
        }

        _output.WriteLine($"real-idiom encoders: {generated.Count} decoders round-tripped, {refused.Count} refused");
        foreach (var line in generated.Select(g => "  generated: " + g).Concat(refused.Select(r => "  refused: " + r)))
        {
            _output.WriteLine(line);
        }

        Assert.NotEmpty(generated);
    }

    [Fact]
    public void Random_encoders_get_decoders_that_reproduce_their_input()
    {
        LibTorch.EnsureLoaded();
        var seed = Oracle.ArithmeticOracleTests.Seed();
        var count = int.TryParse(Environment.GetEnvironmentVariable("CONV_DECODER_CASES"), out var n) && n > 0 ? n : 240;
        var rng = new Random(seed);
        var cases = Enumerable.Range(0, count).Select(i => RandomEncoder(rng, i)).ToList();
        var generated = 0;
        var refused = new List<string>();
        foreach (var batch in cases.Chunk(60))
        {
            var (assembly, diagnostics) = Generate(batch.Select(c => ($"E{c.Index}.cs", c.Source)));
            foreach (var c in batch)
            {
                var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath == $"E{c.Index}.cs").ToList();
                if (assembly.GetType($"Decoder{c.Index}")?.GetMethod("VerifyShapes") is null)
                {
                    // Refused with a diagnostic (CONV104-CONV106), never silently.
                    Assert.True(errors.Count > 0, $"no decoder and no diagnostic for seed {seed} case {c.Index}:\n{c.Source}");
                    refused.Add($"{c.Index}: {errors[0].Id} {errors[0].GetMessage()}");
                    continue;
                }

                try
                {
                    RoundTrip(assembly, $"Encoder{c.Index}", $"Decoder{c.Index}", c.Input);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"seed {seed} case {c.Index}:\n{c.Source}", e);
                }

                generated++;
            }
        }

        _output.WriteLine($"generated decoders: seed {seed}, {generated} of {count} random encoders round-tripped on {Device()}; refused: {refused.Count}");
        foreach (var r in refused.Take(10))
        {
            _output.WriteLine("  " + r);
        }

        Assert.True(generated >= 200 * count / 240, $"only {generated} decoders generated:\n" + string.Join("\n", refused.Take(20)));
    }

    private sealed record EncoderCase(int Index, string Source, long[] Input);

    /// <summary>
    /// A random encoder: depth 1-6 of strided/unstrided convs (kernels, paddings, dilations), pools, BatchNorm, activations,
    /// sometimes a dense bottleneck. Every fourth builds its isotropic convs through a helper method, every fourth through a
    /// block class with constructor parameters (the generator follows both through the interpreter); the random draws are
    /// the same whatever the style.
    /// </summary>
    private static EncoderCase RandomEncoder(Random rng, int index)
    {
        var rank = rng.Next(1, 4);
        var spatial = Enumerable.Range(0, rank).Select(_ => (long)rng.Next(rank == 3 ? 9 : 16, rank == 3 ? 20 : 48)).ToArray();
        var channels = (long)rng.Next(1, 4);
        var input = new long[] { rng.Next(1, 3), channels }.Concat(spatial).ToArray();
        var layers = new List<string>();
        var style = index % 4; // 1: helper method, 2: block class, else written in the Sequential
        var current = spatial.ToArray();
        var depth = rng.Next(1, 7);
        for (var i = 0; i < depth; i++)
        {
            var roll = rng.NextDouble();
            if (roll < 0.2 && current.All(s => s >= 4))
            {
                layers.Add($"nn.MaxPool{rank}d(2)");
                current = current.Select(s => s / 2).ToArray();
                continue;
            }

            var k = (long)rng.Next(1, 5);
            var s = (long)rng.Next(1, 3);
            var d = (long)(rng.NextDouble() < 0.2 ? 2 : 1);
            var p = (long)rng.Next(0, (int)(d * (k - 1) / 2) + 1);
            var span = d * (k - 1) + 1;
            if (current.Any(c => c + 2 * p < span))
            {
                continue;
            }

            var outChannels = (long)rng.Next(1, 6);
            var anisotropic = rank > 1 && rng.NextDouble() < 0.3;
            var kernelText = anisotropic ? "(" + string.Join(", ", Enumerable.Range(0, rank).Select(j => j == 0 ? k : Math.Max(1, k - 1))) + ")" : k.ToString(CultureInfo.InvariantCulture);
            var kernels = Enumerable.Range(0, rank).Select(j => anisotropic && j > 0 ? Math.Max(1, k - 1) : k).ToArray();
            var strideText = anisotropic ? "(" + string.Join(", ", Enumerable.Repeat(s, rank)) + ")" : s.ToString(CultureInfo.InvariantCulture);
            var padText = anisotropic ? "(" + string.Join(", ", Enumerable.Repeat(p, rank)) + ")" : p.ToString(CultureInfo.InvariantCulture);
            var dilText = anisotropic ? "(" + string.Join(", ", Enumerable.Repeat(d, rank)) + ")" : d.ToString(CultureInfo.InvariantCulture);
            if (current.Select((c, j) => c + 2 * p - (d * (kernels[j] - 1)) - 1).Any(v => v < 0))
            {
                continue;
            }

            // A named `padding: 0` also fits the Padding overload (C# converts a constant 0 to the enum): left out.
            var paddingArgument = padText == "0" ? string.Empty : $", padding: {padText}";
            layers.Add(anisotropic || style is not (1 or 2)
                ? $"nn.Conv{rank}d({channels}, {outChannels}, {kernelText}, stride: {strideText}{paddingArgument}, dilation: {dilText})"
                : $"{(style == 1 ? "Conv" : $"new Down{index}")}({channels}, {outChannels}, {k}, {s}, {p}, {d})");
            current = current.Select((c, j) => ((c + 2 * p - (d * (kernels[j] - 1)) - 1) / s) + 1).ToArray();
            channels = outChannels;
            if (rng.NextDouble() < 0.4)
            {
                layers.Add($"nn.BatchNorm{rank}d({channels})");
            }

            if (rng.NextDouble() < 0.6)
            {
                layers.Add(rng.Next(2) == 0 ? "nn.ReLU()" : "nn.LeakyReLU()");
            }
        }

        if (layers.Count == 0)
        {
            layers.Add($"nn.Conv{rank}d({channels}, 2, 1)");
            channels = 2;
        }

        if (rng.NextDouble() < 0.25)
        {
            var flat = channels * current.Aggregate(1L, (a, b) => a * b);
            layers.Add("nn.Flatten()");
            layers.Add($"nn.Linear({flat}, {rng.Next(4, 17)})");
        }

        var source = new StringBuilder(GeneratorSources.Usings);
        source.AppendLine($"[ConvAnalyzers.InputShape({string.Join(", ", input)})]");
        source.AppendLine($"public sealed class Encoder{index} : nn.Module<Tensor, Tensor>");
        source.AppendLine("{");
        source.AppendLine($"    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential({string.Join(", ", layers)});");
        source.AppendLine($"    public Encoder{index}() : base(\"Encoder{index}\") => RegisterComponents();");
        var conv = $"nn.Conv{rank}d(cin, cout, k, stride: s, padding: p, dilation: d)";
        if (style == 1)
        {
            source.AppendLine($"    private static nn.Module<Tensor, Tensor> Conv(long cin, long cout, long k, long s, long p, long d) => {conv};");
        }

        source.AppendLine("    public override Tensor forward(Tensor x) => net.forward(x);");
        source.AppendLine("}");
        if (style == 2)
        {
            source.AppendLine($"public sealed class Down{index} : nn.Module<Tensor, Tensor>");
            source.AppendLine("{");
            source.AppendLine("    private readonly nn.Module<Tensor, Tensor> conv;");
            source.AppendLine($"    public Down{index}(long cin, long cout, long k, long s, long p, long d) : base(\"Down{index}\") {{ conv = {conv}; RegisterComponents(); }}");
            source.AppendLine("    public override Tensor forward(Tensor x) => conv.forward(x);");
            source.AppendLine("}");
        }

        source.AppendLine($"[ConvAnalyzers.MirrorDecoder(typeof(Encoder{index}))]");
        source.AppendLine($"public partial class Decoder{index} {{ }}");
        return new EncoderCase(index, source.ToString(), input);
    }
}
