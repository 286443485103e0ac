using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.Binding;

/// <summary>
/// Which files contain <c>new T(...)</c> for a type name, read from syntax once per compilation: a declared root's
/// creation sites are looked up here instead of scanning every file's text for every root.
/// </summary>
internal sealed class CreationIndex
{
    private readonly Dictionary<string, List<SyntaxTree>> _byName = new(System.StringComparer.Ordinal);

    /// <summary>
    /// Files with a target-typed <c>new(...)</c>, with their text: the type is not written at the <c>new</c>, so a
    /// root may be created there when the file names it (as the declared type of the target).
    /// </summary>
    private readonly List<(SyntaxTree Tree, string Text)> _targetTyped = new();

    /// <summary>Answers of <see cref="FilesCreating"/>, by name (roots of several files ask for the same names).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SyntaxTree[]> _answers = new(System.StringComparer.Ordinal);

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
        index._rootMentions = new System.Lazy<(HashSet<string>, Dictionary<string, HashSet<SyntaxTree>>)>(() => index.RootMentions(compilation, cancellationToken));
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = tree.GetText(cancellationToken).ToString();
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            var targetTyped = false;
            SyntaxNode? root = null;
            bool? aliased = null;
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
                    // A target-typed new(...): a declaration with its type written creates exactly that type; elsewhere
                    // (an argument, a return, an assignment) the file is searched for the name instead.
                    root ??= tree.GetRoot(cancellationToken);
                    aliased ??= MayDeclareAlias(text)
                        && root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>().Any(u => u.Alias is not null);
                    if (aliased == false && DeclaredTypeName(root.FindToken(at).Parent) is { } declared)
                    {
                        names.Add(declared);
                    }
                    else
                    {
                        targetTyped = true;
                    }

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
                index._targetTyped.Add((tree, text));
            }
        }

        return index;
    }

    /// <summary>
    /// The simple name of the type a target-typed <c>new(...)</c> creates when its declaration writes it
    /// (<c>Net model = new(64);</c>, a field or a property); null elsewhere (files with using aliases are not asked).
    /// </summary>
    private static string? DeclaredTypeName(SyntaxNode? node)
    {
        if (node is not ImplicitObjectCreationExpressionSyntax creation)
        {
            return null;
        }

        var type = creation.Parent switch
        {
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } } => declaration.Type,
            EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } => property.Type,
            _ => null,
        };
        return type is null || type.IsVar ? null : type switch
        {
            NullableTypeSyntax nullable => SimpleName(nullable.ElementType),
            _ => SimpleName(type),
        };
    }

    private static string? SimpleName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>
    /// The files that may create a type of this simple name, in compilation order; a target-typed <c>new(...)</c>
    /// counts where the file mentions the name as a whole word (its target's declared type).
    /// </summary>
    public IReadOnlyList<SyntaxTree> FilesCreating(string name) =>
        _answers.TryGetValue(name, out var known) ? known : _answers.GetOrAdd(name, Find(name));

    private SyntaxTree[] Find(string name)
    {
        var found = _byName.TryGetValue(name, out var trees) ? new List<SyntaxTree>(trees) : new List<SyntaxTree>();
        var mentions = _rootMentions.Value;
        foreach (var (tree, text) in _targetTyped)
        {
            var mentioned = mentions.Names.Contains(name)
                ? mentions.Files.TryGetValue(name, out var files) && files.Contains(tree)
                : MentionsWord(text, name);
            if (mentioned && !found.Contains(tree))
            {
                found.Add(tree);
            }
        }

        return found.ToArray();
    }

    private System.Lazy<(HashSet<string> Names, Dictionary<string, HashSet<SyntaxTree>> Files)> _rootMentions = null!;

    /// <summary>
    /// The names of the classes that may be declared roots (a type declaration with attributes, in a file that
    /// writes <c>InputShape</c> or <c>MirrorOf</c>), and which target-typed files mention each: one pass over those
    /// files instead of one search per root. Other names are searched for on their own.
    /// </summary>
    /// <summary>True when the text has <c>using Name =</c> somewhere: only then can a using directive declare an alias.</summary>
    private static bool MayDeclareAlias(string text)
    {
        for (var at = text.IndexOf("using", System.StringComparison.Ordinal); at >= 0; at = text.IndexOf("using", at + 5, System.StringComparison.Ordinal))
        {
            if (at > 0 && IsNamePart(text[at - 1]))
            {
                continue;
            }

            var i = at + 5;
            var spaced = i < text.Length && char.IsWhiteSpace(text[i]);
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && (IsNamePart(text[i]) || text[i] == '@'))
            {
                i++;
            }

            if (!spaced || i == start)
            {
                continue;
            }

            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i < text.Length && text[i] == '=')
            {
                return true;
            }
        }

        return false;
    }

    private (HashSet<string> Names, Dictionary<string, HashSet<SyntaxTree>> Files) RootMentions(Compilation compilation, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            var text = tree.GetText(cancellationToken).ToString();
            if (text.IndexOf("InputShape", System.StringComparison.Ordinal) < 0 && text.IndexOf("MirrorOf", System.StringComparison.Ordinal) < 0)
            {
                continue;
            }

            foreach (var declaration in tree.GetRoot(cancellationToken).DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax).OfType<TypeDeclarationSyntax>())
            {
                if (declaration.AttributeLists.Count > 0)
                {
                    names.Add(declaration.Identifier.ValueText);
                }
            }
        }

        var files = new Dictionary<string, HashSet<SyntaxTree>>(System.StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return (names, files);
        }

        var lengths = new HashSet<int>(names.Select(n => n.Length));
        foreach (var (tree, text) in _targetTyped)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (!char.IsLetter(text[i]) && text[i] != '_')
                {
                    continue;
                }

                var start = i;
                while (i < text.Length && IsNamePart(text[i]))
                {
                    i++;
                }

                if ((start == 0 || !IsNamePart(text[start - 1])) && lengths.Contains(i - start) && names.Contains(text.Substring(start, i - start)))
                {
                    var word = text.Substring(start, i - start);
                    if (!files.TryGetValue(word, out var set))
                    {
                        files[word] = set = new HashSet<SyntaxTree>();
                    }

                    set.Add(tree);
                }
            }
        }

        return (names, files);
    }

    private static bool MentionsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, System.StringComparison.Ordinal))
        {
            var end = at + word.Length;
            if ((at == 0 || !IsNamePart(text[at - 1])) && (end == text.Length || !IsNamePart(text[end])))
            {
                return true;
            }
        }

        return false;
    }
}
