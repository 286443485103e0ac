using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.CodeFixes;

/// <summary>One code action a diagnostic offers: the carried edits under <paramref name="Action"/>'s prefix (FixEdits).</summary>
public sealed record CarriedFix(string Action, string Title, string EquivalenceKey);

/// <summary>
/// A fixer whose actions apply the edits their diagnostic carries. It says which actions a diagnostic offers, in the
/// order of preference, and which analyzer reports its IDs, so that Fix All (<see cref="ReanalyzingFixAllProvider"/>)
/// can apply the same edits without running code actions, and re-run that analyzer on the fixed code.
/// </summary>
public abstract class CarriedEditFixer : CodeFixProvider
{
    /// <summary>A new instance of the analyzer that reports <see cref="CodeFixProvider.FixableDiagnosticIds"/>, run again by Fix All after each round.</summary>
    internal abstract DiagnosticAnalyzer CreateAnalyzer();

    /// <summary>The actions <paramref name="diagnostic"/> may offer, preferred first; those whose edits it does not carry are left out.</summary>
    protected abstract IEnumerable<CarriedFix> Offers(Diagnostic diagnostic);

    public sealed override FixAllProvider GetFixAllProvider() => ReanalyzingFixAllProvider.Instance;

    public sealed override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var (fix, changes) in Available(diagnostic))
            {
                var document = context.Document;
                context.RegisterCodeFix(CodeAction.Create(fix.Title, ct => CarriedEdits.ApplyAsync(document, changes, ct), fix.EquivalenceKey), diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The edits Fix All applies for <paramref name="diagnostic"/>: those of the action with <paramref name="equivalenceKey"/>,
    /// else of the diagnostic's preferred action (a diagnostic that cannot take the chosen form still gets fixed, as
    /// `dotnet format`, which picks the first action of the first diagnostic, needs), else none.
    /// </summary>
    internal IReadOnlyList<TextChange>? FixAllEdits(Diagnostic diagnostic, string? equivalenceKey)
    {
        var available = Available(diagnostic).ToList();
        var chosen = available.FindIndex(a => a.Fix.EquivalenceKey == equivalenceKey);
        return available.Count == 0 ? null : available[chosen < 0 ? 0 : chosen].Changes;
    }

    private IEnumerable<(CarriedFix Fix, IReadOnlyList<TextChange> Changes)> Available(Diagnostic diagnostic)
    {
        foreach (var fix in Offers(diagnostic))
        {
            if (Analyzers.FixEdits.Read(diagnostic.Properties, fix.Action) is { } changes)
            {
                yield return (fix, changes);
            }
        }
    }
}
