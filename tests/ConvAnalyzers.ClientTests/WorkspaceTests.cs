using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.ClientTests;

/// <summary>
/// samples/ShapeBugs opened in an MSBuildWorkspace, as an IDE opens it: per-document analysis shows what the build
/// shows, except the compilation-end diagnostics, which say so; every code action offered for a diagnostic, and every
/// "Solve for output shape" action, applies through the workspace, removes its diagnostic and leaves no compiler error.
/// The sample is copied first (with imports of its own build files), so that applying never writes into the repository.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class WorkspaceTests
{
    private const string CompilationEnd = "CompilationEnd";

    private readonly ITestOutputHelper _output;

    public WorkspaceTests(ITestOutputHelper output) => _output = output;

    private static string CopyOfShapeBugs()
    {
        var root = Clients.RepositoryRoot;
        var directory = Directory.CreateTempSubdirectory("conv-client-workspace-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "samples/ShapeBugs")).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), $"""<Project><Import Project="{Path.Combine(root, "samples/Directory.Build.props")}" /></Project>""");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), $"""<Project><Import Project="{Path.Combine(root, "Directory.Packages.props")}" /></Project>""");
        return directory;
    }

    private static ReportedDiagnostic Reported(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        var level = d.Severity switch { DiagnosticSeverity.Error => "error", DiagnosticSeverity.Warning => "warning", DiagnosticSeverity.Info => "note", _ => "none" };
        return new ReportedDiagnostic(d.Id, level, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class Analysis(ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
    {
        public List<string> Exceptions { get; } = new();

        public CompilationWithAnalyzers For(Compilation compilation) => compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            options, (exception, analyzer, _) => { lock (Exceptions) { Exceptions.Add($"{analyzer}: {exception}"); } },
            concurrentAnalysis: true, logAnalyzerExecutionTime: false));

        public async Task<ImmutableArray<Diagnostic>> AllAsync(Project project) =>
            (await For((await project.GetCompilationAsync())!).GetAnalyzerDiagnosticsAsync()).Where(d => d.Location.IsInSource).ToImmutableArray();
    }

    [Fact]
    public async Task ShapeBugs_in_an_MSBuildWorkspace_shows_the_builds_diagnostics_and_its_code_actions_apply()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }

        var directory = CopyOfShapeBugs();
        var projectPath = Path.Combine(directory, "ShapeBugs.csproj");
        var (restore, restoreOutput) = Clients.Dotnet(directory, "restore -nologo");
        Assert.True(restore == 0, restoreOutput);
        var (_, buildOutput, built) = Clients.Build(directory, projectPath, "-c Release -p:BuildProjectReferences=false");
        var expected = built.Where(d => d.Id.StartsWith("CONV", StringComparison.Ordinal)).ToHashSet();
        Assert.True(expected.Count > 0, "the build of ShapeBugs shows no CONV diagnostic:\n" + buildOutput);

        using var workspace = MSBuildWorkspace.Create(new Dictionary<string, string> { ["Configuration"] = "Release" });
        var project = await workspace.OpenProjectAsync(projectPath);
        Assert.True(workspace.Diagnostics.All(d => d.Kind != WorkspaceDiagnosticKind.Failure), string.Join("\n", workspace.Diagnostics));
        var analyzers = project.AnalyzerReferences.SelectMany(r => r.GetAnalyzers(LanguageNames.CSharp)).ToImmutableArray();
        Assert.NotEmpty(analyzers);
        var analysis = new Analysis(analyzers, project.AnalyzerOptions);
        var compilation = (await project.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        // What an editor shows for each open file: that document's own analysis.
        var withAnalyzers = analysis.For(compilation);
        var perDocument = new List<Diagnostic>();
        foreach (var document in project.Documents)
        {
            var tree = (await document.GetSyntaxTreeAsync())!;
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None));
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), null, CancellationToken.None));
        }

        var shownPerDocument = perDocument.Where(d => d.Id.StartsWith("CONV", StringComparison.Ordinal)).ToList();
        var full = await analysis.AllAsync(project);
        Assert.Equal(expected.OrderBy(d => d.ToString()), full.Select(Reported).OrderBy(d => d.ToString()));
        Assert.All(shownPerDocument, d => Assert.DoesNotContain(CompilationEnd, d.Descriptor.CustomTags));
        Assert.Subset(expected, shownPerDocument.Select(Reported).ToHashSet());
        var onlyAtEnd = full.Where(d => !shownPerDocument.Select(Reported).Contains(Reported(d))).ToList();
        Assert.All(onlyAtEnd, d => Assert.True(d.Descriptor.CustomTags.Contains(CompilationEnd), "not shown per document but not a compilation-end diagnostic: " + Reported(d)));
        _output.WriteLine($"workspace: {expected.Count} build diagnostics, {shownPerDocument.Count} per document, {onlyAtEnd.Count} compilation-end only"
            + string.Concat(onlyAtEnd.Select(d => "\n  compilation-end: " + Reported(d))));

        var (fixers, refactorings) = Providers(project);
        Assert.NotEmpty(fixers);
        Assert.NotEmpty(refactorings);

        var fixed_ = 0;
        foreach (var diagnostic in full)
        {
            // Applying and reverting gives new trees with the same text: the diagnostic's spans still hold.
            var document = workspace.CurrentSolution.GetProject(project.Id)!.Documents.Single(d => d.FilePath == diagnostic.Location.SourceTree!.FilePath);
            foreach (var fixer in fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                fixed_ += await ForEachOfferedAsync(workspace, project.Id, document.Id, async current =>
                {
                    var actions = new List<CodeAction>();
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(current, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                    return actions;
                }, async (action, before, after) =>
                {
                    var mapped = await MapAsync(before.GetDocument(document.Id)!, after.GetDocument(document.Id)!, diagnostic.Location.SourceSpan.Start);
                    var remaining = await analysis.AllAsync(after.GetProject(project.Id)!);
                    Assert.False(remaining.Any(d => d.Id == diagnostic.Id && d.Location.SourceSpan.Start == mapped && d.Location.SourceTree!.FilePath == document.FilePath),
                        $"'{action.Title}' left {Reported(diagnostic)}");
                });
            }
        }

        Assert.True(fixed_ > 0, "no code action was offered for " + string.Join(", ", full.Select(d => d.Id).Distinct()));

        var solved = 0;
        var mirrored = 0;
        var bugs = project.Documents.Single(d => d.Name == "Bugs.cs");
        var calls = (await bugs.GetSyntaxRootAsync())!.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: var name } && name.StartsWith("Conv", StringComparison.Ordinal))
            .Select(i => i.Span).ToList();
        foreach (var call in calls)
        {
            var decoderMismatch = full.FirstOrDefault(d => d.Id == "CONV005" && d.Location.SourceSpan == call);
            solved += await ForEachOfferedAsync(workspace, project.Id, bugs.Id, async current =>
            {
                var actions = new List<CodeAction>();
                foreach (var refactoring in refactorings)
                {
                    await refactoring.ComputeRefactoringsAsync(new CodeRefactoringContext(current, call, actions.Add, CancellationToken.None));
                }

                return actions;
            }, async (action, before, after) =>
            {
                // "what <encoder layer> received" is the decoder's own fix: it must remove the layer's CONV005.
                if (decoderMismatch is not null && action.Title.Contains("what ", StringComparison.Ordinal))
                {
                    var mapped = await MapAsync(before.GetDocument(bugs.Id)!, after.GetDocument(bugs.Id)!, call.Start);
                    var remaining = await analysis.AllAsync(after.GetProject(project.Id)!);
                    Assert.False(remaining.Any(d => d.Id == "CONV005" && d.Location.SourceSpan.Start == mapped), $"'{action.Title}' left {Reported(decoderMismatch)}");
                    mirrored++;
                }
            });
        }

        Assert.True(solved > 0, "Solve for output shape offered nothing on ShapeBugs' convolutions");
        Assert.True(mirrored > 0, "Solve for output shape offered no 'what the encoder layer received' on a CONV005 decoder layer");
        Assert.True(analysis.Exceptions.Count == 0, "analyzer exceptions (AD0001):\n" + string.Join("\n", analysis.Exceptions));
        _output.WriteLine($"workspace: {fixed_} code fixes and {solved} 'Solve for output shape' actions ({mirrored} to an encoder layer's shape) applied on {calls.Count} layer calls");
        Directory.Delete(directory, recursive: true);
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action) =>
        action.NestedActions.IsDefaultOrEmpty ? [action] : action.NestedActions.SelectMany(Flatten);

    /// <summary>
    /// Applies each action <paramref name="offer"/> gives, one at a time: the actions are offered again on the current
    /// solution before each, as an editor offers them again after an undo. Returns how many were applied.
    /// </summary>
    private static async Task<int> ForEachOfferedAsync(MSBuildWorkspace workspace, ProjectId project, DocumentId document,
        Func<Document, Task<List<CodeAction>>> offer, Func<CodeAction, Solution, Solution, Task> check)
    {
        var count = (await offer(workspace.CurrentSolution.GetDocument(document)!)).SelectMany(Flatten).Count();
        for (var i = 0; i < count; i++)
        {
            var actions = (await offer(workspace.CurrentSolution.GetDocument(document)!)).SelectMany(Flatten).ToList();
            Assert.Equal(count, actions.Count);
            await ApplyAndRevertAsync(workspace, project, actions[i], (before, after) => check(actions[i], before, after));
        }

        return count;
    }

    /// <summary>Applies the action to the workspace (its files change on disk), checks it, then puts the original text back.</summary>
    private static async Task ApplyAndRevertAsync(MSBuildWorkspace workspace, ProjectId project, CodeAction action, Func<Solution, Solution, Task> check)
    {
        var before = workspace.CurrentSolution;
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var change = Assert.Single(operations.OfType<ApplyChangesOperation>());
        Assert.True(workspace.TryApplyChanges(change.ChangedSolution), $"'{action.Title}' could not be applied");
        var after = workspace.CurrentSolution;
        var changed = after.GetChanges(before).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()).ToList();
        Assert.True(changed.Count > 0, $"'{action.Title}' changed nothing");
        var errors = (await after.GetProject(project)!.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"'{action.Title}' leaves compiler errors:\n" + string.Join("\n", errors));
        await check(before, after);

        var reverted = workspace.CurrentSolution;
        foreach (var id in changed)
        {
            reverted = reverted.WithDocumentText(id, await before.GetDocument(id)!.GetTextAsync());
        }

        Assert.True(workspace.TryApplyChanges(reverted), $"'{action.Title}' could not be reverted");
    }

    /// <summary>Where a position of the old text is in the new one (an edit that starts at it keeps it).</summary>
    private static async Task<int> MapAsync(Document before, Document after, int position)
    {
        var delta = 0;
        foreach (var change in (await after.GetTextChangesAsync(before)).OrderBy(c => c.Span.Start))
        {
            if (change.Span.Start > position || (change.Span.Start == position && change.Span.Length > 0))
            {
                break;
            }

            delta += change.NewText!.Length - change.Span.Length;
        }

        return position + delta;
    }

    /// <summary>The code fixes and refactorings in the project's analyzer assemblies, found as an IDE finds them: by their export attributes.</summary>
    private static (List<CodeFixProvider> Fixers, List<CodeRefactoringProvider> Refactorings) Providers(Project project)
    {
        var types = project.AnalyzerReferences.OfType<AnalyzerFileReference>().Select(r => r.GetAssembly()).Distinct().SelectMany(a => a.GetTypes()).ToList();
        var fixers = types.Where(t => t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is { } e && e.Languages.Contains(LanguageNames.CSharp))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToList();
        var refactorings = types.Where(t => t.GetCustomAttribute<ExportCodeRefactoringProviderAttribute>() is { } e && e.Languages.Contains(LanguageNames.CSharp))
            .Select(t => (CodeRefactoringProvider)Activator.CreateInstance(t)!).ToList();
        return (fixers, refactorings);
    }
}
