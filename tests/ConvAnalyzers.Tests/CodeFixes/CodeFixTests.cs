using ConvAnalyzers.Analyzers;
using ConvAnalyzers.CodeFixes;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ConvAnalyzers.Tests.CodeFixes;

public sealed class CodeFixTests
{
    public static TheoryData<string> Cases() => new(CodeFixSources.All.Keys);

    /// <summary>Every shared case (tests/Shared/CodeFixSources.cs): one action turns the marked code into the fixed code, which analyzes clean.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fix_gives_the_expected_code(string name)
    {
        var c = CodeFixSources.All[name];
        return c.Id switch
        {
            "CONV001" => Verifiers.CSharpCodeFixVerifier<LayerAnalyzer, OutputPaddingFixer>.VerifyCodeFixAsync(c.Before, c.After),
            "CONV004" => Verifiers.CSharpCodeFixVerifier<NetworkAnalyzer, ChannelMismatchFixer>.VerifyCodeFixAsync(c.Before, c.After, c.Action),
            "CONV007" => Verifiers.CSharpCodeFixVerifier<LayerAnalyzer, CollapsedOutputPaddingFixer>.VerifyCodeFixAsync(c.Before, c.After, c.Action),
            _ => Verifiers.CSharpCodeFixVerifier<NetworkAnalyzer, DecoderMismatchFixer>.VerifyCodeFixAsync(c.Before, c.After, c.Action),
        };
    }

    /// <summary>No exact form inside a Sequential: the tuple is written as forward(x) runs it (the libtorch tests check the shape stays).</summary>
    [Fact]
    public Task A_collapsed_tuple_without_an_exact_form_is_written_as_TorchSharp_runs_it() =>
        Verifiers.CSharpCodeFixVerifier<LayerAnalyzer, CollapsedOutputPaddingFixer>.VerifyCodeFixAsync(
            CodeFixSources.WrittenAsRun.Before, CodeFixSources.WrittenAsRun.After, CollapsedOutputPaddingFixer.AsRunKey);

    [Fact]
    public async Task Fix_all_in_the_solution_fixes_every_document()
    {
        var one = CodeFixSources.All["Seed_decoder_with_padding_only_gets_output_padding"];
        var two = CodeFixSources.All["Tuples_stay_tuples_and_comments_stay"];
        var test = new Verifiers.CSharpCodeFixVerifier<NetworkAnalyzer, DecoderMismatchFixer>.Test();
        test.TestState.Sources.Add(("One.cs", one.Before));
        test.TestState.Sources.Add(("Two.cs", two.Before.Replace("Net2d", "Other2d")));
        test.FixedState.Sources.Add(("One.cs", one.After));
        test.FixedState.Sources.Add(("Two.cs", two.After.Replace("Net2d", "Other2d")));
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 1;
        test.NumberOfFixAllInDocumentIterations = 2;
        await test.RunAsync();
    }
}
