using ConvAnalyzers.Generators;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ConvAnalyzers.Tests.Generators;

/// <summary>
/// CONV101–CONV106 are analyzer diagnostics at source locations: <c>#pragma warning disable</c> and <c>.editorconfig</c>
/// severities apply to each of them as to any other diagnostic (they did not while the generator reported them).
/// </summary>
public sealed class GeneratorSuppressionTests
{
    public static TheoryData<string, string, string> Cases() => GeneratorDiagnosticsTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pragma_warning_disable_silences_it(string id, string source, string message)
    {
        Assert.Contains(message, Assert.Single(await DiagnoseAsync(source), d => d.Id == id).GetMessage());
        Assert.DoesNotContain(await DiagnoseAsync($"#pragma warning disable {id}\n" + source), d => d.Id == id);

        // Restored before the reported place, it is reported again.
        Assert.Single(await DiagnoseAsync($"#pragma warning disable {id}\n#pragma warning restore {id}\n" + source), d => d.Id == id);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Editorconfig_severity_applies(string id, string source, string message)
    {
        var reported = Assert.Single(await DiagnoseAsync(source), d => d.Id == id);
        Assert.Contains(message, reported.GetMessage());
        var span = reported.Location.GetLineSpan();

        var silenced = new CSharpAnalyzerVerifier<MirrorDecoderAnalyzer>.Test { TestCode = source };
        silenced.TestState.Sources.Add((AttributesGenerator.HintName, AttributesGenerator.Source));
        silenced.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*.cs]\ndotnet_diagnostic.{id}.severity = none\n"));
        await silenced.RunAsync();

        var lowered = new CSharpAnalyzerVerifier<MirrorDecoderAnalyzer>.Test { TestCode = source };
        lowered.TestState.Sources.Add((AttributesGenerator.HintName, AttributesGenerator.Source));
        lowered.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*.cs]\ndotnet_diagnostic.{id}.severity = warning\n"));
        lowered.ExpectedDiagnostics.Add(new DiagnosticResult(id, DiagnosticSeverity.Warning)
            .WithSpan("/0/Test0.cs", span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1)
            .WithMessage(reported.GetMessage()));
        await lowered.RunAsync();
    }

    private static async Task<IReadOnlyList<Diagnostic>> DiagnoseAsync(string source)
    {
        var compilation = await TestCompilation.CreateAsync(source, (AttributesGenerator.HintName, AttributesGenerator.Source));
        return await compilation.WithAnalyzers([new MirrorDecoderAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }
}
