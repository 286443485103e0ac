using System.Text.RegularExpressions;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.ClientTests;

/// <summary>
/// `dotnet format analyzers --diagnostics CONV001 CONV004 CONV005 CONV007`, one run, over a project that installs the
/// package and holds samples/ShapeBugs (its networks as they are) and every real-idiom model whose bug is one of those
/// IDs: afterwards the build shows none of them and no compiler error, and the fixed models run in TorchSharp without
/// throwing, every decoder that was fixed returns its input's spatial size, and every [OutputShape] holds.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class DotnetFormatTests
{
    private static readonly string[] Fixable = ["CONV001", "CONV004", "CONV005", "CONV007"];

    /// <summary>Errors no code fix addresses, lowered so the fixed copy builds and runs (the fixed IDs keep their severity).</summary>
    private static readonly string[] WithoutFixer = ["CONV002", "CONV003", "CONV006", "CONV009", "CONV010"];

    private static readonly Regex Markup = new(@"\{\|[A-Z]+[0-9]+:|\|\}");

    private readonly LocalFeed _feed;
    private readonly ITestOutputHelper _output;

    public DotnetFormatTests(LocalFeed feed, ITestOutputHelper output)
    {
        _feed = feed;
        _output = output;
    }

    /// <summary>Each model in a file-scoped namespace of its own (the models reuse class names such as Program).</summary>
    private static string InNamespace(RealIdiomModel model)
    {
        var source = Markup.Replace(model.Source, string.Empty);
        var root = CSharpSyntaxTree.ParseText(source).GetCompilationUnitRoot();
        var at = root.Usings.Count > 0 ? root.Usings.Last().FullSpan.End : 0;
        return source[..at] + $"\nnamespace Idioms.{model.Name};\n\n" + source[at..];
    }

    [Fact]
    public void One_dotnet_format_run_fixes_ShapeBugs_and_the_real_idiom_bugs_and_the_fixed_models_run_with_the_promised_shapes()
    {
        var models = RealIdiomModels.All.Where(m => m.Bug is { } bug && Fixable.Contains(bug)).ToList();
        Assert.Contains(models, m => m.Bug == "CONV005");
        Assert.Contains(models, m => m.Bug == "CONV004");
        var files = new List<(string Path, string Text)>
        {
            ("Bugs.cs", File.ReadAllText(Path.Combine(Clients.RepositoryRoot, "samples/ShapeBugs/Bugs.cs"))),
            ("Program.cs", FixedRun.ProgramSource),
            ("Roots.cs", FixedRun.RootsSource),
        };
        files.AddRange(models.Select(m => ($"Idioms/{m.Name}.cs", InNamespace(m))));
        var editorConfig = string.Concat(WithoutFixer.Select(id => $"dotnet_diagnostic.{id}.severity = warning\n"));
        var directory = _feed.Consumer("FixedModels", "TorchSharp-cpu", files, editorConfig);
        const string project = "FixedModels.csproj";

        var (_, beforeOutput, before) = Clients.Build(directory, project);
        foreach (var id in Fixable)
        {
            Assert.True(before.Any(d => d.Id == id), $"the copy should show {id} before the fix:\n{beforeOutput}");
        }

        Assert.DoesNotContain(before, d => d.Id.StartsWith("CS", StringComparison.Ordinal) && d.Level == "error");
        var decoderScopes = before.Where(d => d.Id == "CONV005").Select(d => Scope(d.File, d.StartLine)).ToHashSet();

        var (formatCode, formatOutput) = Clients.Dotnet(directory, $"format analyzers {project} --diagnostics {string.Join(" ", Fixable)} --no-restore -v n");
        _output.WriteLine("dotnet format: " + string.Join(" | ", formatOutput.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)));
        Assert.True(formatCode == 0, formatOutput);

        var (afterCode, afterOutput, after) = Clients.Build(directory, project);
        var left = after.Where(d => Fixable.Contains(d.Id) || (d.Id.StartsWith("CS", StringComparison.Ordinal) && d.Level == "error")).ToList();
        Assert.True(left.Count == 0, $"after dotnet format:\n{string.Join("\n", left)}\n\ndotnet format said:\n{formatOutput}");
        Assert.True(afterCode == 0, afterOutput);
        _output.WriteLine($"dotnet format: {before.Count(d => Fixable.Contains(d.Id))} diagnostics of {string.Join(", ", Fixable)} before, none after, "
            + $"in ShapeBugs and {models.Count} real-idiom models");

        // Only now do the models' Program.Run calls go through Roots.Call, which prints what each root returned.
        foreach (var file in Directory.GetFiles(Path.Combine(directory, "Idioms")))
        {
            File.WriteAllText(file, RecordRootCalls(File.ReadAllText(file)));
        }

        var (runCode, runOutput) = Clients.Dotnet(directory, "run --no-restore");
        var lines = runOutput.Split('\n').Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        Assert.True(runCode == 0 && lines.Any(l => l[0] == "done"), runOutput);
        Assert.DoesNotContain(lines, l => l[0] == "fail");

        var roots = lines.Where(l => l[0] == "root" && l.Length == 4).Select(l => (Type: l[1], Input: Dims(l[2]), Output: Dims(l[3]))).ToList();
        var declared = lines.Where(l => l[0] == "output" && l.Length == 3).ToDictionary(l => l[1], l => Dims(l[2]));
        var stillMismatched = after.Where(d => d.Id == "CONV009").Select(d => Scope(d.File, d.StartLine)).ToHashSet();
        Assert.NotEmpty(roots);
        foreach (var (type, input, output) in roots)
        {
            if (decoderScopes.Any(s => type == s || type.StartsWith(s + ".", StringComparison.Ordinal)))
            {
                Assert.True(input.Length == output.Length && input.Skip(2).SequenceEqual(output.Skip(2)),
                    $"{type}: a fixed decoder should return its input's spatial size: [{string.Join(",", input)}] → [{string.Join(",", output)}]");
            }

            if (declared.TryGetValue(type, out var promised) && !stillMismatched.Contains(type))
            {
                Assert.True(promised.Length == output.Length && promised.Zip(output).All(p => p.First == -1 || p.First == p.Second),
                    $"{type}: [OutputShape({string.Join(", ", promised)})] but TorchSharp returned [{string.Join(",", output)}]");
            }
        }

        Assert.Contains(roots, r => decoderScopes.Contains(r.Type) || decoderScopes.Any(s => r.Type.StartsWith(s + ".", StringComparison.Ordinal)));
        _output.WriteLine($"fixed models in TorchSharp: {roots.Count} root calls, {roots.Select(r => r.Type).Distinct().Count()} models, none threw");
        Directory.Delete(directory, recursive: true);
    }

    private static long[] Dims(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();

    /// <summary>
    /// The class a diagnostic line lies in, for ShapeBugs (its models are classes of one file); for a real-idiom model,
    /// its namespace (a model's bug may sit in one of its blocks).
    /// </summary>
    private static string Scope(string file, int line)
    {
        var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetCompilationUnitRoot();
        var ns = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Single().Name.ToString();
        if (ns.StartsWith("Idioms.", StringComparison.Ordinal))
        {
            return ns;
        }

        var type = root.DescendantNodes().OfType<TypeDeclarationSyntax>()
            .Where(t => t.GetLocation().GetLineSpan().StartLinePosition.Line + 1 <= line && line <= t.GetLocation().GetLineSpan().EndLinePosition.Line + 1)
            .Last();
        return ns + "." + type.Identifier.Text;
    }

    /// <summary>In each model's <c>Program</c> class, <c>m.forward(x)</c> and <c>m.call(x)</c> become <c>Roots.Call(m, x)</c>.</summary>
    private static string RecordRootCalls(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetCompilationUnitRoot();
        var program = root.DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.Text == "Program");
        var calls = program.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "forward" or "call" } && i.ArgumentList.Arguments.Count == 1)
            .ToList();
        Assert.NotEmpty(calls);
        var rewritten = program.ReplaceNodes(calls, (original, current) =>
        {
            var access = (MemberAccessExpressionSyntax)current.Expression;
            return SyntaxFactory.ParseExpression($"global::FixedRun.Roots.Call({access.Expression}, {current.ArgumentList.Arguments[0]})").WithTriviaFrom(current);
        });
        return root.ReplaceNode(program, rewritten).ToFullString();
    }
}
