using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ConvAnalyzers.Tests.Verifiers;

/// <summary>A compilation like the verifiers build (.NET 8 references and TorchSharp), for tests that read messages.</summary>
public static class TestCompilation
{
    public static async Task<Compilation> CreateAsync(string source, params (string Path, string Source)[] extra)
    {
        var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var trees = extra.Prepend(("Test0.cs", source)).Select(f => CSharpSyntaxTree.ParseText(f.Item2, new CSharpParseOptions(LanguageVersion.Latest), f.Item1));
        return CSharpCompilation.Create("Test", trees, references.Add(TestReferences.TorchSharp), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }
}

public static class TestMarkup
{
    /// <summary>The source without <c>{|ID:…|}</c> markup.</summary>
    public static string Strip(string source) => Regex.Replace(source, @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty);
}
