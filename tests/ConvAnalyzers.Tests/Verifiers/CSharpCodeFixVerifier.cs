using ConvAnalyzers.Generators;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ConvAnalyzers.Tests.Verifiers;

/// <summary>Code fix tests with TorchSharp and the shape attributes; CONV000/CONV008 (hidden, info) are not asserted.</summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static async Task VerifyCodeFixAsync(string source, string fixedSource, string? equivalenceKey = null, int iterations = 1)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey, NumberOfFixAllIterations = iterations };
        await test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.Net80;
            TestState.AdditionalReferences.Add(TestReferences.TorchSharp);
            FixedState.AdditionalReferences.Add(TestReferences.TorchSharp);
            TestState.Sources.Add((AttributesGenerator.HintName, AttributesGenerator.Source));
            FixedState.Sources.Add((AttributesGenerator.HintName, AttributesGenerator.Source));
            DisabledDiagnostics.Add("CONV000");
            DisabledDiagnostics.Add("CONV008");
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }
    }
}
