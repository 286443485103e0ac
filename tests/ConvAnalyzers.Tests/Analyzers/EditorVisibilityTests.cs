using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>
/// DESIGN §3, "Editor visibility, exactly": what an editor shows for an open file D is the local diagnostics of
/// <c>GetAnalyzerSemanticDiagnosticsAsync(model of D, null)</c>. Every diagnostic located in D whose network root is
/// declared in D is there, even when its facts come from blocks and helpers in other files; the rest (root, creation
/// site or tensor input in another file than the location) come only from the full analysis, at compilation end.
/// Each test compares the full analysis with per-document analysis of every file, run as an editor runs it.
/// </summary>
public sealed class EditorVisibilityTests
{
    private const string Usings = "using System; using TorchSharp; using static TorchSharp.torch;\n";

    /// <summary>Blocks used by the roots of Roots.cs; <c>Widen</c>'s own literal is wrong.</summary>
    private const string BlocksFile = Usings + """
        public sealed class Block : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;

            public Block(long input, long output) : base(nameof(Block))
            {
                conv = nn.Conv2d(input, output, 3, padding: 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => conv.call(x);
        }

        public sealed class Widen : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;
            private readonly nn.Module<Tensor, Tensor> norm;

            public Widen(long input) : base(nameof(Widen))
            {
                conv = nn.Conv2d(input, 16, 3, padding: 1);
                norm = {|CONV004:nn.BatchNorm2d(8)|};
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => norm.call(conv.call(x));
        }
        """;

    /// <summary>Helper methods that build layers; <c>BrokenStem</c>'s own literal is wrong.</summary>
    private const string HelpersFile = Usings + """
        public static class Layers
        {
            public static nn.Module<Tensor, Tensor> ConvRelu(long input, long output) =>
                nn.Sequential(nn.Conv2d(input, output, 3, padding: 1), nn.ReLU());

            public static nn.Module<Tensor, Tensor> Pool(long kernel) => nn.MaxPool2d(kernel);

            public static nn.Module<Tensor, Tensor> BrokenStem(long input) =>
                nn.Sequential(nn.Conv2d(input, 8, 3, padding: 1), {|CONV004:nn.BatchNorm2d(4)|});
        }
        """;

    /// <summary>
    /// Roots declared here, each with one bug (propagation stops at the first failing layer): three are written in this
    /// file (a constant passed to a block or a helper, a head after a block), two sit in the block's and the helper's
    /// own literals; one root is created here, a module and a Sequential get a tensor input here, and one root has
    /// sizes the analyzer cannot know (CONV012 here and in the helper).
    /// </summary>
    private const string RootsFile = Usings + """
        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class PassesWrongWidth : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> first = new Block(3, 16);
            private readonly nn.Module<Tensor, Tensor> second = new Block({|CONV004:32|}, 8);

            public PassesWrongWidth() : base(nameof(PassesWrongWidth)) => RegisterComponents();

            public override Tensor forward(Tensor x) => second.call(first.call(x));
        }

        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class HeadAfterBlock : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> block = new Block(3, 16);
            private readonly nn.Module<Tensor, Tensor> pool = nn.MaxPool2d(2);
            private readonly nn.Module<Tensor, Tensor> head = {|CONV004:nn.Conv2d(8, 4, 1)|};

            public HeadAfterBlock() : base(nameof(HeadAfterBlock)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.call(pool.call(block.call(x)));
        }

        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class HelperGetsWrongWidth : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> stem = Layers.ConvRelu({|CONV004:5|}, 8);

            public HelperGetsWrongWidth() : base(nameof(HelperGetsWrongWidth)) => RegisterComponents();

            public override Tensor forward(Tensor x) => stem.call(x);
        }

        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class UsesWiden : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> widen = new Widen(3);

            public UsesWiden() : base(nameof(UsesWiden)) => RegisterComponents();

            public override Tensor forward(Tensor x) => widen.call(x);
        }

        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class UsesBrokenStem : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> stem = Layers.BrokenStem(3);

            public UsesBrokenStem() : base(nameof(UsesBrokenStem)) => RegisterComponents();

            public override Tensor forward(Tensor x) => stem.call(x);
        }

        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class CreatedHere : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;

            public CreatedHere(long input) : base(nameof(CreatedHere))
            {
                conv = nn.Conv2d(input, 8, 3);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => conv.call(x);
        }

        public static class Factory
        {
            public static CreatedHere Make() => new CreatedHere({|CONV004:7|});
        }

        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class UnknownSizes : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv;
            private readonly nn.Module<Tensor, Tensor> pool = Layers.Pool(Environment.ProcessorCount);

            public UnknownSizes(long kernel) : base(nameof(UnknownSizes))
            {
                conv = nn.Conv2d(3, 8, kernel);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => pool.call(x) + conv.call(x);
        }

        public sealed class FedHere : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv = {|CONV004:nn.Conv2d(6, 8, 3)|};

            public FedHere() : base(nameof(FedHere)) => RegisterComponents();

            public override Tensor forward(Tensor x) => conv.call(x);
        }

        public static class LocalProgram
        {
            public static Tensor Run()
            {
                using var model = new FedHere();
                return model.call(torch.randn(1, 3, 16, 16));
            }

            public static Tensor RunSequential()
            {
                using var model = nn.Sequential(nn.Conv2d(3, 8, 3), {|CONV004:nn.BatchNorm2d(4)|});
                using var x = torch.randn(1, 3, 16, 16);
                return model.call(x);
            }
        }
        """;

    /// <summary>A root whose only creation site is in Program.cs: its diagnostics are compilation-end, wherever they sit.</summary>
    private const string CreatedElsewhereFile = Usings + """
        [ConvAnalyzers.InputShape(1, 3, 16, 16)]
        public sealed class CreatedElsewhere : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv1;
            private readonly nn.Module<Tensor, Tensor> conv2 = {|CONV004:nn.Conv2d(16, 4, 3)|};

            public CreatedElsewhere(long input) : base(nameof(CreatedElsewhere))
            {
                conv1 = nn.Conv2d(input, 8, 3);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => conv2.call(conv1.call(x));
        }
        """;

    /// <summary>A module with no input of its own: the tensor passed to it in Program.cs is its input.</summary>
    private const string FedElsewhereFile = Usings + """
        public sealed class FedElsewhere : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> conv = {|CONV004:nn.Conv2d(4, 8, 3)|};

            public FedElsewhere() : base(nameof(FedElsewhere)) => RegisterComponents();

            public override Tensor forward(Tensor x) => conv.call(x);
        }
        """;

    private const string ProgramFile = Usings + """
        public static class Program
        {
            public static CreatedElsewhere Good() => new CreatedElsewhere(3);

            public static CreatedElsewhere Bad() => new CreatedElsewhere({|CONV004:4|});

            public static Tensor Run()
            {
                using var model = new FedElsewhere();
                return model.call(torch.randn(1, 3, 16, 16));
            }
        }
        """;

    private static readonly (string Path, string Source)[] Files =
    [
        ("Roots.cs", RootsFile),
        ("Blocks.cs", BlocksFile),
        ("Helpers.cs", HelpersFile),
        ("CreatedElsewhere.cs", CreatedElsewhereFile),
        ("FedElsewhere.cs", FedElsewhereFile),
        ("Program.cs", ProgramFile),
    ];

    [Fact]
    public async Task Every_error_of_a_root_is_where_the_markup_says()
    {
        var analysis = await AnalyzeAsync(Files);
        Assert.Equal(
            analysis.Marked.Select(m => $"{m.Id} {m.Path} {m.Text}").Order(),
            analysis.Full.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"{d.Id} {d.Location.SourceTree!.FilePath} {Text(d)}").Order());
    }

    [Fact]
    public async Task A_file_shows_what_its_roots_find_in_it_even_through_blocks_and_helpers_in_other_files()
    {
        var analysis = await AnalyzeAsync(Files);

        // Roots.cs declares its roots, creates CreatedHere and feeds FedHere: everything located there is per-document.
        var expected = analysis.Full.Where(d => d.Location.SourceTree!.FilePath == "Roots.cs").Select(Describe).Order().ToList();
        Assert.Contains(expected, e => e.StartsWith("CONV000 ", StringComparison.Ordinal));
        Assert.Contains(expected, e => e.StartsWith("CONV012 ", StringComparison.Ordinal));
        Assert.Equal(6, analysis.Full.Count(d => d.Id == "CONV004" && d.Location.SourceTree!.FilePath == "Roots.cs"));
        Assert.Equal(expected, analysis.PerDocument["Roots.cs"].Select(Describe).Order());
        Assert.DoesNotContain(analysis.PerDocument["Roots.cs"], IsCompilationEnd);
    }

    [Theory]
    [InlineData("Blocks.cs", "CONV000 CONV004")]
    [InlineData("Helpers.cs", "CONV000 CONV004 CONV012")]
    [InlineData("CreatedElsewhere.cs", "CONV000 CONV004")]
    [InlineData("FedElsewhere.cs", "CONV004")]
    [InlineData("Program.cs", "CONV004")]
    public async Task What_a_file_gets_from_a_root_creation_site_or_tensor_input_elsewhere_comes_only_at_compilation_end(string path, string ids)
    {
        var analysis = await AnalyzeAsync(Files);

        // Blocks.cs and Helpers.cs: the roots are in Roots.cs. CreatedElsewhere.cs: its creation sites are in Program.cs.
        // FedElsewhere.cs: its tensor input is in Program.cs. Program.cs: the root it passes a constant to is elsewhere.
        var located = analysis.Full.Where(d => d.Location.SourceTree!.FilePath == path).ToList();
        Assert.Equal(ids, string.Join(" ", located.Select(d => d.Id).Distinct().Order()));
        Assert.All(located, d => Assert.True(IsCompilationEnd(d), $"{Describe(d)} is not a compilation-end diagnostic"));
        Assert.Empty(analysis.PerDocument[path]);
    }

    /// <summary>
    /// One file, two roots: <c>Local</c> has everything in this file, <c>Remote</c> is created in Program.cs. A
    /// creation site elsewhere makes Remote's findings compilation-end, in its own file too.
    /// </summary>
    [Fact]
    public async Task A_root_created_elsewhere_is_compilation_end_in_its_own_file()
    {
        var analysis = await AnalyzeAsync(
        [
            ("Mixed.cs", Usings + """
                [ConvAnalyzers.InputShape(1, 3, 16, 16)]
                public sealed class Local : nn.Module<Tensor, Tensor>
                {
                    private readonly nn.Module<Tensor, Tensor> conv = {|CONV004:nn.Conv2d(4, 8, 3)|};

                    public Local() : base(nameof(Local)) => RegisterComponents();

                    public override Tensor forward(Tensor x) => conv.call(x);
                }

                [ConvAnalyzers.InputShape(1, 3, 16, 16)]
                public sealed class Remote : nn.Module<Tensor, Tensor>
                {
                    private readonly nn.Module<Tensor, Tensor> conv1;
                    private readonly nn.Module<Tensor, Tensor> conv2 = {|CONV004:nn.Conv2d(16, 4, 3)|};

                    public Remote(long input) : base(nameof(Remote))
                    {
                        conv1 = nn.Conv2d(input, 8, 3);
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor x) => conv2.call(conv1.call(x));
                }
                """),
            ("Program.cs", Usings + """
                public static class Program
                {
                    public static Remote Make() => new Remote(3);
                }
                """),
        ]);

        var local = analysis.Full.Where(d => Text(d) == "nn.Conv2d(4, 8, 3)").ToList();
        var remote = analysis.Full.Where(d => d.Location.SourceTree!.FilePath == "Mixed.cs" && Text(d) is "nn.Conv2d(16, 4, 3)" or "nn.Conv2d(input, 8, 3)").ToList();
        Assert.Equal(["CONV004"], local.Select(d => d.Id));
        Assert.Equal(["CONV000", "CONV004"], remote.Select(d => d.Id).Order());
        Assert.All(remote, d => Assert.True(IsCompilationEnd(d), $"{Describe(d)} is not a compilation-end diagnostic"));
        Assert.DoesNotContain(analysis.PerDocument["Mixed.cs"], d => remote.Any(r => Describe(r) == Describe(d)));

        // The root declared and run in this file keeps its own diagnostics per document.
        Assert.All(local, d => Assert.False(IsCompilationEnd(d), $"{Describe(d)} is a compilation-end diagnostic"));
        Assert.Equal(local.Select(Describe), analysis.PerDocument["Mixed.cs"].Where(d => Text(d) == "nn.Conv2d(4, 8, 3)").Select(Describe));
    }

    [Fact]
    public async Task Per_document_analysis_reports_nothing_the_full_analysis_does_not()
    {
        var analysis = await AnalyzeAsync(Files);
        var full = analysis.Full.Select(Describe).ToHashSet();
        foreach (var (path, diagnostics) in analysis.PerDocument)
        {
            Assert.All(diagnostics, d => Assert.Equal(path, d.Location.SourceTree!.FilePath));
            Assert.All(diagnostics, d => Assert.Contains(Describe(d), full));
            Assert.Equal(diagnostics.Count, diagnostics.Select(Describe).Distinct().Count());
        }
    }

    private sealed record Marker(string Id, string Path, TextSpan Span, string Text);

    private sealed record Analysis(
        ImmutableArray<Diagnostic> Full,
        IReadOnlyDictionary<string, IReadOnlyList<Diagnostic>> PerDocument,
        IReadOnlyList<Marker> Marked);

    private static string Describe(Diagnostic d) =>
        $"{d.Id} {d.Location.SourceTree!.FilePath}@{d.Location.SourceSpan} `{Text(d)}`: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";

    private static string Text(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    private static bool IsCompilationEnd(Diagnostic d) => d.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>The sources with CONV000 and CONV012 raised to Info, analysed in full and then file by file as an editor does.</summary>
    private static async Task<Analysis> AnalyzeAsync(IEnumerable<(string Path, string Source)> files)
    {
        var markers = new List<Marker>();
        var stripped = new List<(string, string)>();
        foreach (var (path, source) in files)
        {
            var (text, marks) = StripMarkup(source);
            markers.AddRange(marks.Select(m => new Marker(m.Id, path, m.Span, text.Substring(m.Span.Start, m.Span.Length))));
            stripped.Add((path, text));
        }

        var first = stripped[0];
        var compilation = await TestCompilation.CreateAsync(first.Item2, stripped.Skip(1).Append((AttributesGenerator.HintName, AttributesGenerator.Source)).ToArray());
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.First(), compilation.SyntaxTrees.First().WithFilePath(first.Item1));
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(compilation.Options.SpecificDiagnosticOptions
            .SetItem("CONV000", ReportDiagnostic.Info).SetItem("CONV012", ReportDiagnostic.Info)));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var exceptions = new List<Exception>();
        var full = await WithAnalyzer(compilation, exceptions).GetAnalyzerDiagnosticsAsync();
        var perDocument = new Dictionary<string, IReadOnlyList<Diagnostic>>();
        foreach (var tree in compilation.SyntaxTrees.Where(t => t.FilePath != AttributesGenerator.HintName))
        {
            // A fresh analysis per file: an editor analyses the open document, not the whole compilation first.
            perDocument[tree.FilePath] = await WithAnalyzer(compilation, exceptions).GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), null, CancellationToken.None);
        }

        Assert.Empty(exceptions);
        return new Analysis(full, perDocument, markers);
    }

    private static CompilationWithAnalyzers WithAnalyzer(Compilation compilation, List<Exception> exceptions) =>
        compilation.WithAnalyzers(
            [new NetworkAnalyzer()],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (e, _, _) => { lock (exceptions) { exceptions.Add(e); } }, concurrentAnalysis: false, logAnalyzerExecutionTime: false));

    /// <summary>The source without <c>{|ID:…|}</c> markup, and the span of each marked text in it.</summary>
    private static (string Text, List<(string Id, TextSpan Span)> Marks) StripMarkup(string source)
    {
        var marks = new List<(string, TextSpan)>();
        var text = source;
        for (var match = Regex.Match(text, @"\{\|([A-Z]+[0-9]+):(.*?)\|\}", RegexOptions.Singleline); match.Success; match = Regex.Match(text, @"\{\|([A-Z]+[0-9]+):(.*?)\|\}", RegexOptions.Singleline))
        {
            var body = match.Groups[2].Value;
            marks.Add((match.Groups[1].Value, new TextSpan(match.Index, body.Length)));
            text = text.Substring(0, match.Index) + body + text.Substring(match.Index + match.Length);
        }

        return (text, marks);
    }
}
