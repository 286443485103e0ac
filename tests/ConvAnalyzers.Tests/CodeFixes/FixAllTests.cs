using System.Collections.Immutable;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.CodeFixes;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using VerifyChannels = ConvAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<ConvAnalyzers.Analyzers.NetworkAnalyzer, ConvAnalyzers.CodeFixes.ChannelMismatchFixer>;
using VerifyDecoder = ConvAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<ConvAnalyzers.Analyzers.NetworkAnalyzer, ConvAnalyzers.CodeFixes.DecoderMismatchFixer>;

namespace ConvAnalyzers.Tests.CodeFixes;

/// <summary>
/// Fix All in document, project and solution: every diagnostic in scope fixed in one pass, including those the
/// analyzer reports only once an earlier level of the same network is fixed (it stops at the first failure).
/// </summary>
public sealed class FixAllTests
{
    // Only the first failing level is reported (no cascades): up2 is not marked, it is reported once up4 is fixed.
    // On 250×250: 250 → 125 → 62 → 31 → 15, so up4 (15 → 30, needs 31) and up2 (62 → 124, needs 125) miss.
    private static string BrokenUNet(string name = "UNet") => NetworkAnalyzerSources.UNet(250,
        "{|CONV005:nn.ConvTranspose2d(128, 64, 2, stride: 2)|}",
        "{|CONV010:torch.cat(new[] { up4.forward(b), e4 }, 1)|}",
        "nn.ConvTranspose2d(32, 16, 2, stride: 2)",
        name);

    private static string FixedUNet(string name = "UNet") => NetworkAnalyzerSources.UNet(250,
        "nn.ConvTranspose2d(128, 64, 2, stride: 2, output_padding: 1)",
        "torch.cat(new[] { up4.forward(b), e4 }, 1)",
        "nn.ConvTranspose2d(32, 16, 2, stride: 2, output_padding: 1)",
        name);

    [Fact]
    public async Task A_stacked_UNet_decoder_is_fixed_level_by_level_in_one_Fix_All_pass()
    {
        var test = new VerifyDecoder.Test { TestCode = BrokenUNet(), FixedCode = FixedUNet(), CodeActionEquivalenceKey = DecoderMismatchFixer.EquivalenceKey };

        // One fix at a time needs a fix per level; Fix All, which analyzes again after each level, needs one pass in every scope.
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 1;
        test.NumberOfFixAllInDocumentIterations = 1;
        test.NumberOfFixAllInProjectIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_All_in_the_project_fixes_stacked_decoders_in_every_document()
    {
        var test = new VerifyDecoder.Test { CodeActionEquivalenceKey = DecoderMismatchFixer.EquivalenceKey };
        test.TestState.Sources.Add(("First.cs", BrokenUNet("FirstUNet")));
        test.TestState.Sources.Add(("Second.cs", BrokenUNet("SecondUNet")));
        test.FixedState.Sources.Add(("First.cs", FixedUNet("FirstUNet")));
        test.FixedState.Sources.Add(("Second.cs", FixedUNet("SecondUNet")));
        test.NumberOfIncrementalIterations = 4;
        test.NumberOfFixAllInDocumentIterations = 2;
        test.NumberOfFixAllInProjectIterations = 1;
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    private static string Chain(string second, string third) => NetworkAnalyzerSources.Usings + $$"""
        [ConvAnalyzers.InputShape(8, 3, 32, 32)]
        public sealed class Features : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU(), {{second}}, nn.ReLU(), {{third}});

            public Features() : base(nameof(Features)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x);
        }
        """;

    [Fact]
    public async Task A_chain_of_channel_mismatches_is_fixed_in_one_pass()
    {
        // The third conv's mismatch (64 arrive, 128 expected) is only reported once the second receives what it expects.
        var test = new VerifyChannels.Test
        {
            TestCode = Chain("{|CONV004:nn.Conv2d(32, 64, 3, padding: 1)|}", "nn.Conv2d(128, 10, 3)"),
            FixedCode = Chain("nn.Conv2d(16, 64, 3, padding: 1)", "nn.Conv2d(64, 10, 3)"),
            CodeActionEquivalenceKey = ChannelMismatchFixer.EquivalenceKey,
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
            NumberOfFixAllInDocumentIterations = 1,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task The_chosen_action_is_applied_to_every_diagnostic_that_offers_it()
    {
        // Both diagnostics offer both actions; Fix All with the producer's action edits both producers, never a receiver.
        var test = new VerifyChannels.Test
        {
            TestCode = Chain("{|CONV004:nn.Conv2d(32, 64, 3, padding: 1)|}", "nn.Conv2d(128, 10, 3)"),
            FixedCode = Chain("nn.Conv2d(32, 128, 3, padding: 1)", "nn.Conv2d(128, 10, 3)").Replace("nn.Conv2d(3, 16, 3", "nn.Conv2d(3, 32, 3"),
            CodeActionEquivalenceKey = ChannelMismatchFixer.ProducerEquivalenceKey,
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task A_diagnostic_without_the_chosen_form_gets_its_preferred_one()
    {
        // The first document takes output_padding; the second needs forward(x, output_size) (output_padding differs per
        // dimension). dotnet format asks for the first action of the first diagnostic: both must still be fixed.
        var one = CodeFixSources.All["Seed_decoder_with_padding_only_gets_output_padding"];
        var two = CodeFixSources.All["Per_dimension_output_padding_uses_forward_with_output_size"];
        var test = new VerifyDecoder.Test { CodeActionIndex = 0 };
        test.TestState.Sources.Add(("One.cs", one.Before));
        test.TestState.Sources.Add(("Two.cs", two.Before));
        test.FixedState.Sources.Add(("One.cs", one.After));
        test.FixedState.Sources.Add(("Two.cs", two.After));
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllInDocumentIterations = 2;
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public void Every_fixer_has_the_reanalyzing_Fix_All_provider_in_every_scope()
    {
        var fixers = typeof(CarriedEditFixer).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();
        Assert.Equal(4, fixers.Count);
        foreach (var fixer in fixers)
        {
            var provider = fixer.GetFixAllProvider();
            Assert.Same(ReanalyzingFixAllProvider.Instance, provider);
            Assert.Equal(new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution }, provider.GetSupportedFixAllScopes());
        }
    }

    /// <summary>
    /// What `dotnet format analyzers --diagnostics CONV001 CONV004 CONV005 CONV007` does, in process: for each ID, analyze the
    /// current solution, register the fixes of the first diagnostic, take its first action's equivalence key, and ask the
    /// fixer's Fix All provider for a solution-wide fix with exactly that key and those diagnostics. Over samples/ShapeBugs
    /// (two seed decoders, a U-Net missing at two levels, MNIST, a too-large and a collapsed output_padding), nothing of
    /// those IDs and no compiler error may remain.
    /// </summary>
    [Fact]
    public async Task The_dotnet_format_sequence_over_the_ShapeBugs_sample_leaves_none_of_the_fixable_IDs()
    {
        var root = AnalyzerHygieneTests.RepositoryRoot();
        var solution = await SolutionOfAsync(
            ("Bugs.cs", File.ReadAllText(Path.Combine(root, "samples/ShapeBugs/Bugs.cs"))),
            (AttributesGenerator.HintName, AttributesGenerator.Source));
        var fixers = new CarriedEditFixer[] { new OutputPaddingFixer(), new ChannelMismatchFixer(), new DecoderMismatchFixer(), new CollapsedOutputPaddingFixer() };
        var ids = fixers.SelectMany(f => f.FixableDiagnosticIds).ToImmutableHashSet();
        Assert.Equal(new[] { "CONV001", "CONV004", "CONV005", "CONV007" }, (await AnalyzeAsync(solution)).Where(d => ids.Contains(d.Id)).Select(d => d.Id).Distinct().Order());

        foreach (var fixer in fixers)
        {
            var id = fixer.FixableDiagnosticIds.Single();
            var diagnostics = (await AnalyzeAsync(solution)).Where(d => d.Id == id).ToImmutableArray();
            Assert.NotEmpty(diagnostics);
            var document = solution.GetDocument(diagnostics[0].Location.SourceTree)!;
            CodeAction? first = null;
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => first ??= a, CancellationToken.None));
            var context = new FixAllContext(document, fixer, FixAllScope.Solution, first?.EquivalenceKey!, [id], new FixedDiagnostics(diagnostics), CancellationToken.None);
            var action = await fixer.GetFixAllProvider().GetFixAsync(context);
            Assert.NotNull(action);
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            solution = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        }

        var remaining = await AnalyzeAsync(solution);
        Assert.Empty(remaining.Where(d => ids.Contains(d.Id)).Select(d => d.ToString()));
        var compilation = (await solution.Projects.Single().GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        var text = (await solution.Projects.Single().Documents.Single(d => d.Name == "Bugs.cs").GetTextAsync()).ToString();
        Assert.Contains("nn.ConvTranspose2d(32, 16, 2, stride: 2, output_padding: 1)", text);
    }

    private static async Task<Solution> SolutionOfAsync(params (string Name, string Text)[] sources)
    {
        var references = await Verifiers.TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "ShapeBugs", "ShapeBugs", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: references.Add(Verifiers.TestReferences.TorchSharp)));
        var solution = project.Solution;
        foreach (var (name, text) in sources)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(project.Id), name, SourceText.From(text), filePath: "/ShapeBugs/" + name);
        }

        return solution;
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Solution solution)
    {
        var project = solution.Projects.Single();
        var compilation = (await project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers([new LayerAnalyzer(), new NetworkAnalyzer()], project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => GetProjectDiagnosticsAsync(project, cancellationToken);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
