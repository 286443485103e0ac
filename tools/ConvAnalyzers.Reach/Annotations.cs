using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Reach;

/// <summary>One line of an annotation file: the network class and the full input shape its forward receives.</summary>
public sealed record Annotation(string ClassName, long[] Shape, int Line)
{
    public string ShapeText => string.Join(",", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>
/// Reads annotation files (<c>Namespace.ClassName → 1,3,224,224</c>, <c>-&gt;</c> too, <c>#</c> comments) and puts
/// <c>[ConvAnalyzers.InputShape(...)]</c> on the named classes in memory. The attribute is inserted on the line of
/// the class declaration without a line break, so every file:line the analyzers report is still the file's own.
/// </summary>
public static class Annotations
{
    public static IReadOnlyList<Annotation> Read(string path)
    {
        var result = new List<Annotation>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(["→", "->"], 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                throw new FormatException($"{path}:{i + 1}: expected 'Namespace.ClassName → 1,3,224,224', got '{lines[i]}'");
            }

            var dims = parts[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var shape = new long[dims.Length];
            for (var d = 0; d < dims.Length; d++)
            {
                if (!long.TryParse(dims[d], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out shape[d]))
                {
                    throw new FormatException($"{path}:{i + 1}: '{dims[d]}' is not a dimension");
                }
            }

            if (shape.Length == 0)
            {
                throw new FormatException($"{path}:{i + 1}: no dimensions after the arrow");
            }

            result.Add(new Annotation(parts[0], shape, i + 1));
        }

        return result;
    }

    /// <summary>The class name as an annotation names it: namespaces and containing types joined by dots.</summary>
    public static string QualifiedName(TypeDeclarationSyntax type)
    {
        var parts = new List<string> { type.Identifier.ValueText };
        for (var node = type.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case TypeDeclarationSyntax outer:
                    parts.Add(outer.Identifier.ValueText);
                    break;
                case BaseNamespaceDeclarationSyntax ns:
                    parts.Add(ns.Name.ToString().Replace(" ", string.Empty, StringComparison.Ordinal));
                    break;
            }
        }

        parts.Reverse();
        return string.Join(".", parts);
    }

    /// <summary>
    /// Adds the attributes to the first declaration of every annotated class. Returns the edited trees and the
    /// annotations whose class was not found.
    /// </summary>
    public static (IReadOnlyList<SyntaxTree> Trees, IReadOnlyList<Annotation> Missing) Apply(IReadOnlyList<SyntaxTree> trees, IReadOnlyList<Annotation> annotations)
    {
        var byName = annotations.GroupBy(a => a.ClassName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<SyntaxTree>(trees.Count);
        foreach (var tree in trees)
        {
            var root = tree.GetRoot();
            var changes = new List<TextChange>();
            foreach (var type in root.DescendantNodes().OfType<ClassDeclarationSyntax>())
            {
                var name = QualifiedName(type);
                if (!byName.TryGetValue(name, out var wanted) || !placed.Add(name))
                {
                    continue;
                }

                // Attribute lists must precede the modifiers; after any existing lists they change nothing else.
                var at = type.Modifiers.Count > 0 ? type.Modifiers[0].SpanStart : type.Keyword.SpanStart;
                var text = string.Concat(wanted.Select(a => $"[global::ConvAnalyzers.InputShape({a.ShapeText.Replace(",", ", ", StringComparison.Ordinal)})] "));
                changes.Add(new TextChange(new TextSpan(at, 0), text));
            }

            result.Add(changes.Count == 0 ? tree : tree.WithChangedText(tree.GetText().WithChanges(changes)));
        }

        var missing = annotations.Where(a => !placed.Contains(a.ClassName)).ToList();
        return (result, missing);
    }
}
