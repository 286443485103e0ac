using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Binding;

/// <summary>
/// Which files contain <c>new T(...)</c> for a type name, read from syntax once per compilation: a declared root's
/// creation sites are looked up here instead of scanning every file's text for every root.
/// </summary>
internal sealed class CreationIndex
{
    private readonly Dictionary<string, List<SyntaxTree>> _byName = new(System.StringComparer.Ordinal);

    /// <summary>
    /// Files with a target-typed <c>new(...)</c>, with the words of their text: the type is not written at the
    /// <c>new</c>, so a root may be created there when the file names it (as the declared type of the target).
    /// </summary>
    private readonly List<(SyntaxTree Tree, HashSet<string> Words)> _targetTyped = new();

    private CreationIndex()
    {
    }

    /// <summary>
    /// Reads every file's text for <c>new Name(</c>, <c>new Ns.Name&lt;T&gt;(</c>, <c>new Name {</c> and target-typed
    /// <c>new(</c>: a superset of the object creations (comments and strings included), which the syntax then confirms.
    /// </summary>
    public static CreationIndex Build(Compilation compilation, CancellationToken cancellationToken)
    {
        var index = new CreationIndex();
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = tree.GetText(cancellationToken).ToString();
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            var targetTyped = false;
            for (var at = text.IndexOf("new", System.StringComparison.Ordinal); at >= 0; at = text.IndexOf("new", at + 3, System.StringComparison.Ordinal))
            {
                if (at > 0 && IsNamePart(text[at - 1]))
                {
                    continue;
                }

                var i = at + 3;
                var spaced = i < text.Length && char.IsWhiteSpace(text[i]);
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                if (i < text.Length && text[i] == '(')
                {
                    targetTyped = true;
                    continue;
                }

                if (!spaced)
                {
                    continue;
                }

                // A dotted name: the last part is the type's simple name.
                string? last = null;
                while (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_' || text[i] == '@'))
                {
                    var start = i;
                    while (i < text.Length && IsNamePart(text[i]))
                    {
                        i++;
                    }

                    last = text.Substring(start, i - start).TrimStart('@');
                    if (i < text.Length && (text[i] == '.' || text[i] == ':'))
                    {
                        i++;
                        while (i < text.Length && text[i] == ':')
                        {
                            i++;
                        }

                        continue;
                    }

                    break;
                }

                if (last is not null)
                {
                    names.Add(last);
                }
            }

            foreach (var name in names)
            {
                if (!index._byName.TryGetValue(name, out var trees))
                {
                    index._byName[name] = trees = new List<SyntaxTree>();
                }

                trees.Add(tree);
            }

            if (targetTyped)
            {
                index._targetTyped.Add((tree, Words(text)));
            }
        }

        return index;
    }

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>
    /// The files that may create a type of this simple name, in compilation order; a target-typed <c>new(...)</c>
    /// counts where the file mentions the name (its target's declared type).
    /// </summary>
    public IEnumerable<SyntaxTree> FilesCreating(string name) =>
        (_byName.TryGetValue(name, out var trees) ? trees : Enumerable.Empty<SyntaxTree>())
            .Concat(_targetTyped.Where(t => t.Words.Contains(name)).Select(t => t.Tree))
            .Distinct();

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(System.StringComparer.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsLetter(text[i]) || text[i] == '_')
            {
                var start = i;
                while (i < text.Length && IsNamePart(text[i]))
                {
                    i++;
                }

                words.Add(text.Substring(start, i - start));
            }
        }

        return words;
    }
}
