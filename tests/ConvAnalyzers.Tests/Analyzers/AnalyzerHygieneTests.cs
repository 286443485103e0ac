using System.Collections.Immutable;
using ConvAnalyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

public sealed class AnalyzerHygieneTests
{
    private const string Source = "class C { object M() => null; }";

    private static async Task<AnalyzerTelemetryInfo> Telemetry(DiagnosticAnalyzer analyzer, bool withTorchSharp)
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(p).StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var references = withTorchSharp ? trusted.Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location)) : trusted;
        var compilation = CSharpCompilation.Create("Hygiene", [CSharpSyntaxTree.ParseText(Source)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var withAnalyzers = compilation.WithAnalyzers(
            [analyzer],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        return await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
    }

    public static TheoryData<DiagnosticAnalyzer> Analyzers() => new(new LayerAnalyzer(), new NetworkAnalyzer(), new ConvAnalyzers.Generators.MirrorDecoderAnalyzer());

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task Without_TorchSharp_no_analyzer_registers_an_action(DiagnosticAnalyzer analyzer)
    {
        var info = await Telemetry(analyzer, withTorchSharp: false);
        Assert.Equal(1, info.CompilationStartActionsCount);
        Assert.Equal(0, info.OperationActionsCount);
        Assert.Equal(0, info.OperationBlockActionsCount);
        Assert.Equal(0, info.SymbolStartActionsCount);
        Assert.Equal(0, info.SyntaxNodeActionsCount);
        Assert.Equal(0, info.SemanticModelActionsCount);
        Assert.Equal(0, info.CompilationEndActionsCount);
    }

    /// <summary>
    /// The performance design (docs/PERFORMANCE.md): one semantic-model action per file, which walks the syntax and
    /// asks for operations only at candidate calls; no compilation-wide operation or syntax-node actions, which make
    /// the driver build operation trees or call back for every node of every file.
    /// </summary>
    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task With_TorchSharp_each_analyzer_registers_one_semantic_model_action_and_no_per_node_actions(DiagnosticAnalyzer analyzer)
    {
        var info = await Telemetry(analyzer, withTorchSharp: true);
        Assert.Equal(1, info.SemanticModelActionsCount);
        Assert.Equal(0, info.OperationActionsCount);
        Assert.Equal(0, info.OperationBlockActionsCount);
        Assert.Equal(0, info.OperationBlockStartActionsCount);
        Assert.Equal(0, info.SyntaxNodeActionsCount);
        Assert.Equal(0, info.CodeBlockActionsCount);
    }

    [Fact]
    public void Every_descriptor_has_a_help_page_a_release_line_and_a_help_link()
    {
        var root = RepositoryRoot();
        var unshipped = File.ReadAllText(Path.Combine(root, "src/ConvAnalyzers/Diagnostics/AnalyzerReleases.Unshipped.md"));
        var generatorDescriptors = typeof(ConvAnalyzers.Diagnostics.DiagnosticDescriptors).GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor)).Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
        foreach (var descriptor in new DiagnosticAnalyzer[] { new LayerAnalyzer(), new NetworkAnalyzer() }.SelectMany(a => a.SupportedDiagnostics).Concat(generatorDescriptors))
        {
            Assert.True(File.Exists(Path.Combine(root, "docs/rules", descriptor.Id + ".md")), descriptor.Id + " has no help page");
            Assert.Contains(descriptor.Id + " |", unshipped);
            Assert.EndsWith("docs/rules/" + descriptor.Id + ".md", descriptor.HelpLinkUri);
        }
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConvAnalyzers.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ConvAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
