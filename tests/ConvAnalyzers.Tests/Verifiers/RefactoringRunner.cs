using ConvAnalyzers.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Tests.Verifiers;

/// <summary>Runs a refactoring provider where a user's cursor is (the first occurrence of a text) and applies its actions.</summary>
public static class RefactoringRunner
{
    public static async Task<(Document Document, List<CodeAction> Actions)> Refactorings(CodeRefactoringProvider provider, string source, string at)
    {
        var workspace = new AdhocWorkspace();
        var references = (await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestReferences.TorchSharp);
        var project = workspace.AddProject("Test", LanguageNames.CSharp)
            .WithMetadataReferences(references)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest));
        project = project.AddDocument(AttributesGenerator.HintName, AttributesGenerator.Source).Project;
        var document = project.AddDocument("Test.cs", source);
        var actions = new List<CodeAction>();
        var span = new TextSpan(source.IndexOf(at, StringComparison.Ordinal), at.Length);
        var context = new CodeRefactoringContext(document, span, actions.Add, CancellationToken.None);
        await provider.ComputeRefactoringsAsync(context);
        return (document, actions);
    }

    public static async Task<string> Apply(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        return (await changed.GetTextAsync()).ToString();
    }
}
