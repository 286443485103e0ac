using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// What every fix does: apply the edit its diagnostic carries (computed by the analyzer from the interpreter's values,
/// at the place DESIGN §3 names). No fixer reads the code again to decide where or what to change.
/// </summary>
internal static class CarriedEdits
{
    public static async Task<Document> ApplyAsync(Document document, IReadOnlyList<TextChange> changes, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var ordered = changes.OrderBy(c => c.Span.Start).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            // Edits for another version of the text (out of range or overlapping) are not applied.
            if (ordered[i].Span.End > text.Length || (i > 0 && ordered[i].Span.Start < ordered[i - 1].Span.End))
            {
                return document;
            }
        }

        return document.WithText(text.WithChanges(ordered));
    }

    public static string? Property(Diagnostic diagnostic, string key) => diagnostic.Properties.TryGetValue(key, out var value) ? value : null;

    /// <summary>"1,1,1" as an argument is written: <c>1</c> when every dimension has the same value, else <c>(1, 0)</c>.</summary>
    public static string Format(string? values) =>
        values is null ? string.Empty : values.Split(',').Distinct().Count() == 1 ? values.Split(',')[0] : "(" + string.Join(", ", values.Split(',')) + ")";
}
