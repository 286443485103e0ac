using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ConvAnalyzers.Tests.Verifiers;

/// <summary>Analyzer tests against .NET 8 reference assemblies with TorchSharp referenced, as a user's project is.</summary>
public static class CSharpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    public static async Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.Net80;
            TestState.AdditionalReferences.Add(TestReferences.TorchSharp);

            // The network analyzer also supports each ID tagged for compilation end (inputs found in other files).
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }
    }
}

public static class TestReferences
{
    public static ReferenceAssemblies Net80 => ReferenceAssemblies.Net.Net80;

    public static MetadataReference TorchSharp { get; } = MetadataReference.CreateFromFile(typeof(global::TorchSharp.torch).Assembly.Location);
}
