using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.Generators;

public sealed partial class MirrorDecoderGenerator
{
    /// <summary>
    /// Keeps each decoder's parse result while nothing it was computed from has changed. ForAttributeWithMetadataName
    /// runs the transform for every [MirrorDecoder] class on every edit (the compilation is one of its inputs); without
    /// this, every keystroke anywhere re-read and re-ran every encoder (docs/PERFORMANCE.md).
    /// <para>
    /// A result depends on the syntax trees it was read from: the decoder's, and, transitively, the trees declaring every
    /// source symbol those trees name (the encoder, its base classes and nested modules, constants in other files),
    /// together with the compilation's references, options and global usings. It stays valid while all those trees are
    /// still in the compilation unchanged (trees are immutable: an edited file is a new tree) and no type or namespace
    /// named in them was added or removed elsewhere (which could change what a name binds to). Results that would
    /// need more than <see cref="MaxTrees"/> trees are not kept.
    /// </para>
    /// </summary>
    internal sealed class ParseCache
    {
        private const int MaxTrees = 32;

        private static readonly ConditionalWeakTable<Compilation, CompilationFacts> Facts = new();

        private readonly ConditionalWeakTable<SyntaxNode, StrongBox<Entry?>> _entries = new();

        /// <summary>The parse of the <c>[MirrorDecoder]</c> class <paramref name="syntax"/>, kept while its inputs are unchanged.</summary>
        public ParseOutcome GetOrParse(INamedTypeSymbol decoder, ClassDeclarationSyntax syntax, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
        {
            var facts = Facts.GetValue(compilation, static c => new CompilationFacts(c));
            var box = _entries.GetValue(syntax, static _ => new StrongBox<Entry?>());
            if (Volatile.Read(ref box.Value) is { } entry && entry.IsValidIn(compilation, facts))
            {
                return entry.Result;
            }

            var result = Parser.Parse(decoder, syntax, attribute, compilation, cancellationToken);
            var trees = Dependencies(facts, syntax.SyntaxTree, cancellationToken);
            Volatile.Write(ref box.Value, trees is { } known ? new Entry(result, known, Names(facts, known, cancellationToken), facts.Context) : null);
            return result;
        }

        /// <summary>The trees declaring the source symbols named in <paramref name="start"/>, transitively; null beyond <see cref="MaxTrees"/>.</summary>
        private static ImmutableArray<SyntaxTree>? Dependencies(CompilationFacts facts, SyntaxTree start, CancellationToken cancellationToken)
        {
            var trees = new List<SyntaxTree> { start };
            var seen = new HashSet<SyntaxTree> { start };
            for (var i = 0; i < trees.Count; i++)
            {
                foreach (var tree in facts.Named(trees[i], cancellationToken).Trees)
                {
                    if (seen.Add(tree))
                    {
                        if (trees.Count == MaxTrees)
                        {
                            return null;
                        }

                        trees.Add(tree);
                    }
                }
            }

            return trees.ToImmutableArray();
        }

        /// <summary>Every simple name written in the trees: an added or removed type of one of these names could rebind them.</summary>
        private static HashSet<string> Names(CompilationFacts facts, ImmutableArray<SyntaxTree> trees, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var tree in trees)
            {
                names.UnionWith(facts.Named(tree, cancellationToken).Names);
            }

            return names;
        }

        /// <summary>What one tree names: the other trees declaring the source symbols it names, and the simple names it writes.</summary>
        private sealed class TreeNames
        {
            public TreeNames(Compilation compilation, SyntaxTree tree, CancellationToken cancellationToken)
            {
                var model = compilation.GetSemanticModel(tree);
                var trees = new HashSet<SyntaxTree>();
                foreach (var name in tree.GetRoot(cancellationToken).DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    Names.Add(name.Identifier.ValueText);
                    var info = model.GetSymbolInfo(name, cancellationToken);
                    foreach (var symbol in info.CandidateSymbols.Add(info.Symbol!))
                    {
                        // A namespace is declared in every file that opens it: what it holds is covered by the declared-names check.
                        if (symbol is null or INamespaceSymbol)
                        {
                            continue;
                        }

                        foreach (var location in symbol.Locations)
                        {
                            if (location.SourceTree is { } declaring && declaring != tree && compilation.ContainsSyntaxTree(declaring))
                            {
                                trees.Add(declaring);
                            }
                        }
                    }
                }

                Trees = trees.ToImmutableArray();
            }

            public ImmutableArray<SyntaxTree> Trees { get; }

            public HashSet<string> Names { get; } = new(System.StringComparer.Ordinal);
        }

        private sealed class Entry
        {
            private readonly ImmutableArray<SyntaxTree> _trees;
            private readonly HashSet<string> _names;
            private readonly Context _context;

            public Entry(ParseOutcome result, ImmutableArray<SyntaxTree> trees, HashSet<string> names, Context context)
            {
                Result = result;
                _trees = trees;
                _names = names;
                _context = context;
            }

            public ParseOutcome Result { get; }

            public bool IsValidIn(Compilation compilation, CompilationFacts facts) =>
                _trees.All(compilation.ContainsSyntaxTree) && facts.Context.Since(_context) is { SameReferencesAndOptions: true } change && !change.Names.Overlaps(_names);
        }

        /// <summary>One compilation's facts, computed once however many decoders ask; it dies with its compilation.</summary>
        private sealed class CompilationFacts
        {
            private readonly Compilation _compilation;
            private readonly ConcurrentDictionary<SyntaxTree, TreeNames> _named = new();

            public CompilationFacts(Compilation compilation)
            {
                _compilation = compilation;
                Context = new Context(compilation);
            }

            public Context Context { get; }

            /// <summary>What <paramref name="tree"/> names, read once per compilation however many decoders depend on it.</summary>
            public TreeNames Named(SyntaxTree tree, CancellationToken cancellationToken) =>
                _named.TryGetValue(tree, out var named) ? named : _named.GetOrAdd(tree, new TreeNames(_compilation, tree, cancellationToken));
        }

        /// <summary>
        /// What every result of a compilation depends on besides its trees: references, options, global usings and the
        /// declared type and namespace names. Holds no compilation, so that a kept result does not keep its compilation alive.
        /// </summary>
        private sealed class Context
        {
            private static readonly ConditionalWeakTable<SyntaxTree, string[]> Declared = new();

            private readonly ImmutableArray<MetadataReference> _references;
            private readonly CompilationOptions _options;
            private readonly ImmutableArray<SyntaxTree> _globalUsings;
            private readonly HashSet<string> _declaredNames;
            private readonly ConditionalWeakTable<Context, Change> _since = new();

            public Context(Compilation compilation)
            {
                _references = compilation.References.ToImmutableArray();
                _options = compilation.Options;
                _globalUsings = compilation.SyntaxTrees.Where(t => t.GetRoot() is CompilationUnitSyntax root && root.Usings.Any(u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))).ToImmutableArray();
                _declaredNames = new HashSet<string>(compilation.SyntaxTrees.SelectMany(t => Declared.GetValue(t, DeclaredIn)), System.StringComparer.Ordinal);
            }

            /// <summary>What changed since <paramref name="earlier"/>, computed once per pair (weakly keyed: no chain of old contexts is kept).</summary>
            public Change Since(Context earlier) =>
                ReferenceEquals(this, earlier) ? Change.None : _since.GetValue(earlier, e =>
                {
                    var changed = new HashSet<string>(_declaredNames, System.StringComparer.Ordinal);
                    changed.SymmetricExceptWith(e._declaredNames);
                    var names = new HashSet<string>(changed.Select(q => q.Substring(q.LastIndexOf('.') + 1).Split('`')[0]), System.StringComparer.Ordinal);
                    var same = _options.Equals(e._options) && _references.SequenceEqual(e._references) && _globalUsings.SequenceEqual(e._globalUsings);
                    return new Change(same, names);
                });

            /// <summary>The qualified names of the types and namespaces a tree declares, read once per tree (trees are immutable).</summary>
            private static string[] DeclaredIn(SyntaxTree tree)
            {
                var names = new List<string>();
                foreach (var node in tree.GetRoot().DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
                {
                    var name = node switch
                    {
                        BaseNamespaceDeclarationSyntax ns => ns.Name.ToString(),
                        BaseTypeDeclarationSyntax type => type.Identifier.ValueText + (type is TypeDeclarationSyntax { TypeParameterList: { } list } ? "`" + list.Parameters.Count : string.Empty),
                        DelegateDeclarationSyntax d => d.Identifier.ValueText + "`" + d.Arity,
                        _ => null,
                    };
                    if (name is not null)
                    {
                        var containers = node.Ancestors().Select(a => a switch
                        {
                            BaseNamespaceDeclarationSyntax ns => ns.Name.ToString(),
                            BaseTypeDeclarationSyntax type => type.Identifier.ValueText,
                            _ => null,
                        }).Where(n => n is not null).Reverse();
                        names.Add(string.Join(".", containers.Append(name)));
                    }
                }

                return names.ToArray();
            }
        }

        /// <summary>Between two compilations: whether references, options and global usings are the same, and the simple names of types or namespaces declared in one only.</summary>
        private sealed class Change
        {
            public static readonly Change None = new(true, new HashSet<string>());

            public Change(bool sameReferencesAndOptions, HashSet<string> names)
            {
                SameReferencesAndOptions = sameReferencesAndOptions;
                Names = names;
            }

            public bool SameReferencesAndOptions { get; }

            public HashSet<string> Names { get; }
        }
    }
}
