using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConvAnalyzers.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Reach;

/// <summary>
/// A folder of someone else's C# compiled in memory as one library: against this runtime's framework assemblies
/// and TorchSharp, with the ConvAnalyzers attributes added, as a user's build with the package would see it.
/// </summary>
public static class Corpus
{
    /// <summary>What an SDK-style net10.0 build defines; real projects guard code with these.</summary>
    private static readonly string[] PreprocessorSymbols =
    [
        "TRACE", "RELEASE", "NET", "NETCOREAPP", "NET10_0", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER",
        "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER",
    ];

    /// <summary>The SDK's implicit global usings for Microsoft.NET.Sdk, added when a project file in the folder enables them.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static IReadOnlyList<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(folder, path).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                .Any(segment => segment.Equals("bin", StringComparison.OrdinalIgnoreCase) || segment.Equals("obj", StringComparison.OrdinalIgnoreCase)))
            .OrderBy(path => path, StringComparer.Ordinal)
            .ToList();

    public static CSharpParseOptions ParseOptions { get; } =
        new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: PreprocessorSymbols);

    public static IReadOnlyList<SyntaxTree> Parse(string folder, IReadOnlyList<string> files) =>
        files.Select(path => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(path), System.Text.Encoding.UTF8), ParseOptions, Path.GetRelativePath(folder, path)))
            .ToList();

    /// <summary>True when some project file in the folder turns on the SDK's implicit usings.</summary>
    public static bool UsesImplicitUsings(string folder) =>
        Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories)
            .Any(p => Regex.IsMatch(File.ReadAllText(p), @"<ImplicitUsings>\s*(enable|true)\s*</ImplicitUsings>", RegexOptions.IgnoreCase));

    public static IEnumerable<SyntaxTree> ExtraTrees(bool implicitUsings)
    {
        yield return CSharpSyntaxTree.ParseText(SourceText.From(AttributesGenerator.Source, System.Text.Encoding.UTF8), ParseOptions, AttributesGenerator.HintName);
        if (implicitUsings)
        {
            yield return CSharpSyntaxTree.ParseText(SourceText.From(ImplicitUsings, System.Text.Encoding.UTF8), ParseOptions, "ImplicitUsings.g.cs");
        }
    }

    /// <summary>
    /// The framework's assemblies from the running runtime's trusted platform list (not the tool's own
    /// dependencies, so Roslyn and the analyzer stay out of the corpus's scope), plus TorchSharp.
    /// </summary>
    public static ImmutableArray<MetadataReference> References()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                && string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    /// <summary>CONV000 and CONV012 are Hidden by default and computed only when raised; the run raises them to Warn.</summary>
    public static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create(
            "ReachCorpus",
            trees,
            References(),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CONV000"] = ReportDiagnostic.Warn,
                    ["CONV012"] = ReportDiagnostic.Warn,
                }));
}
