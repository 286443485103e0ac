using System.Collections.Immutable;
using ConvAnalyzers.CodeFixes;
using ConvAnalyzers.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;

namespace ConvAnalyzers.Tests.Reliability;

/// <summary>Offers every diagnostic of a (possibly broken) program to every code-fix provider and computes each action.</summary>
internal static class CodeFixRobustness
{
    private static readonly CodeFixProvider[] Providers =
    {
        new DecoderMismatchFixer(), new ChannelMismatchFixer(), new OutputPaddingFixer(), new CollapsedOutputPaddingFixer(),
    };

    /// <summary>The exceptions thrown by any provider or any of its actions (none expected).</summary>
    public static async Task<(List<string> Exceptions, int Actions)> ExerciseAsync(string source, IEnumerable<Diagnostic> diagnostics)
    {
        var exceptions = new List<string>();
        var computed = 0;
        using var workspace = new AdhocWorkspace();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(p => MetadataReference.CreateFromFile(p));
        var project = workspace.AddProject("Fuzz", LanguageNames.CSharp)
            .WithMetadataReferences(references)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest));
        project = project.AddDocument(AttributesGenerator.HintName, AttributesGenerator.Source).Project;
        var document = project.AddDocument("Program.cs", source);
        foreach (var diagnostic in diagnostics.Where(d => d.Location.SourceTree?.FilePath == "Program.cs"))
        {
            foreach (var provider in Providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                try
                {
                    var tree = await document.GetSyntaxTreeAsync();
                    var located = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree!, diagnostic.Location.SourceSpan),
                        diagnostic.AdditionalLocations.Select(l => Location.Create(tree!, l.SourceSpan)), diagnostic.Properties, diagnostic.GetMessage());
                    await provider.RegisterCodeFixesAsync(new CodeFixContext(document, located, (a, _) => actions.Add(a), CancellationToken.None));
                    foreach (var action in actions)
                    {
                        await action.GetOperationsAsync(CancellationToken.None);
                        computed++;
                    }
                }
                catch (Exception e)
                {
                    // Test code: any exception from a provider is the finding this suite exists to report.
                    exceptions.Add($"{provider.GetType().Name} on {diagnostic.Id}: {e}");
                }
            }
        }

        return (exceptions, computed);
    }
}
