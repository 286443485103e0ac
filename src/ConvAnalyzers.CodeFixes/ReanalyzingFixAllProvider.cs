using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// Fix All for the carried-edit fixers, in document, project and solution. Like the batch fixer, a round applies the
/// carried edits of every diagnostic in scope at once, each edit once (a literal shared by two diagnostics), and leaves a
/// diagnostic whose edits would overlap another's for later. Unlike it, it then runs the fixer's analyzer again on the
/// fixed code and fixes what that reports with the same IDs in the same scope, for at most <see cref="MaxRounds"/> rounds:
/// the analyzer stops at the first failing layer of a network (no cascades), so the second level of a stacked decoder
/// is only reported, with its own edit, once the first one is fixed, and one Fix All still fixes every level.
/// </summary>
internal sealed class ReanalyzingFixAllProvider : FixAllProvider
{
    public static readonly ReanalyzingFixAllProvider Instance = new();

    /// <summary>Rounds of analysis and fixing in one Fix All: more than the levels of any real decoder.</summary>
    public const int MaxRounds = 16;

    private ReanalyzingFixAllProvider()
    {
    }

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        if (fixAllContext.CodeFixProvider is not CarriedEditFixer fixer || !GetSupportedFixAllScopes().Contains(fixAllContext.Scope))
        {
            return null;
        }

        var original = fixAllContext.Solution;
        var fixedSolution = await FixAsync(fixAllContext, fixer, fixAllContext.CancellationToken).ConfigureAwait(false);
        if (!fixedSolution.GetChanges(original).GetProjectChanges().Any())
        {
            return null;
        }

        var ids = string.Join(", ", fixAllContext.DiagnosticIds.OrderBy(id => id, System.StringComparer.Ordinal));
        var title = fixAllContext.Scope switch
        {
            FixAllScope.Document => $"Fix all {ids} in {fixAllContext.Document?.Name}",
            FixAllScope.Project => $"Fix all {ids} in {fixAllContext.Project.Name}",
            _ => $"Fix all {ids} in the solution",
        };
        return CodeAction.Create(title, _ => Task.FromResult(fixedSolution), fixAllContext.CodeActionEquivalenceKey);
    }

    private static async Task<Solution> FixAsync(FixAllContext context, CarriedEditFixer fixer, CancellationToken cancellationToken)
    {
        var solution = context.Solution;
        var scope = Scope(context);
        var diagnostics = await InitialDiagnosticsAsync(context).ConfigureAwait(false);
        var seen = new Dictionary<DocumentId, HashSet<string>>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var (next, changed) = await ApplyAsync(solution, diagnostics, fixer, context.CodeActionEquivalenceKey, scope, seen, cancellationToken).ConfigureAwait(false);
            if (changed.Count == 0)
            {
                break;
            }

            solution = next;
            diagnostics = await ReanalyzeAsync(solution, changed, fixer, context.DiagnosticIds, scope, cancellationToken).ConfigureAwait(false);
        }

        return solution;
    }

    private static ImmutableHashSet<DocumentId> Scope(FixAllContext context) => context.Scope switch
    {
        FixAllScope.Document when context.Document is { } document => [document.Id],
        FixAllScope.Project => [.. context.Project.DocumentIds],
        FixAllScope.Solution => [.. context.Solution.Projects.SelectMany(p => p.DocumentIds)],
        _ => [],
    };

    private static async Task<List<Diagnostic>> InitialDiagnosticsAsync(FixAllContext context)
    {
        var diagnostics = new List<Diagnostic>();
        switch (context.Scope)
        {
            case FixAllScope.Document when context.Document is { } document:
                diagnostics.AddRange(await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                break;
            case FixAllScope.Project:
                diagnostics.AddRange(await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false));
                break;
            case FixAllScope.Solution:
                foreach (var project in context.Solution.Projects)
                {
                    diagnostics.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                }

                break;
        }

        return diagnostics;
    }

    /// <summary>One round: every diagnostic's edits in its document, merged; the documents that changed.</summary>
    private static async Task<(Solution Solution, List<DocumentId> Changed)> ApplyAsync(Solution solution, IEnumerable<Diagnostic> diagnostics, CarriedEditFixer fixer,
        string? equivalenceKey, ImmutableHashSet<DocumentId> scope, Dictionary<DocumentId, HashSet<string>> seen, CancellationToken cancellationToken)
    {
        var changed = new List<DocumentId>();
        var byDocument = diagnostics
            .Where(d => d.Location.IsInSource && fixer.FixableDiagnosticIds.Contains(d.Id))
            .GroupBy(d => DocumentOf(solution, d.Location.SourceTree!))
            .Where(g => g.Key is not null && scope.Contains(g.Key));
        var next = solution;
        foreach (var group in byDocument)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = solution.GetDocument(group.Key)!;
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var accepted = new List<TextChange>();
            foreach (var diagnostic in group.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (fixer.FixAllEdits(diagnostic, equivalenceKey) is { } edits && edits.All(e => e.Span.End <= text.Length))
                {
                    var fresh = edits.Where(e => !accepted.Contains(e)).ToList();
                    if (!fresh.Any(e => accepted.Any(a => a.Span.IntersectsWith(e.Span))))
                    {
                        accepted.AddRange(fresh);
                    }
                }
            }

            if (accepted.Count == 0)
            {
                continue;
            }

            var fixedText = text.WithChanges(accepted.OrderBy(c => c.Span.Start));

            // A text this Fix All already produced for the document means the edits go round in a circle: stop there.
            var history = seen.TryGetValue(document.Id, out var h) ? h : seen[document.Id] = [text.ToString()];
            if (history.Add(fixedText.ToString()))
            {
                next = next.WithDocumentText(document.Id, fixedText);
                changed.Add(document.Id);
            }
        }

        return (next, changed);
    }

    /// <summary>
    /// The fixer's analyzer run again where a fix can have changed what it reports: the changed documents' projects and
    /// the projects that depend on them; the diagnostics with the Fix All's IDs in its scope.
    /// </summary>
    private static async Task<List<Diagnostic>> ReanalyzeAsync(Solution solution, List<DocumentId> changed, CarriedEditFixer fixer, ImmutableHashSet<string> ids,
        ImmutableHashSet<DocumentId> scope, CancellationToken cancellationToken)
    {
        var graph = solution.GetProjectDependencyGraph();
        var projects = changed.Select(d => d.ProjectId).Distinct()
            .SelectMany(p => graph.GetProjectsThatTransitivelyDependOnThisProject(p).Prepend(p))
            .Distinct()
            .Where(p => scope.Any(d => d.ProjectId == p));
        var diagnostics = new List<Diagnostic>();
        foreach (var projectId in projects.ToList())
        {
            var project = solution.GetProject(projectId)!;
            if (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is not { } compilation)
            {
                continue;
            }

            var analysis = compilation.WithAnalyzers([fixer.CreateAnalyzer()], new CompilationWithAnalyzersOptions(project.AnalyzerOptions, null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
            diagnostics.AddRange((await analysis.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false))
                .Where(d => ids.Contains(d.Id) && d.Location.IsInSource && DocumentOf(solution, d.Location.SourceTree!) is { } document && scope.Contains(document)));
        }

        return diagnostics;
    }

    /// <summary>The document of a diagnostic's tree, by identity: a diagnostic of another snapshot has spans of another text.</summary>
    private static DocumentId? DocumentOf(Solution solution, SyntaxTree tree) => solution.GetDocument(tree)?.Id;
}
