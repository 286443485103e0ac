using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>The analyzers' pre-filters must never hide a call they understand.</summary>
public sealed class CandidateInvocationsTests
{
    /// <summary>One call per factory of the layer table, each with an argument TorchSharp rejects (CONV002).</summary>
    private static readonly Dictionary<string, string> InvalidCalls = new()
    {
        ["Conv1d"] = "nn.Conv1d(0, 8, 3)",
        ["Conv2d"] = "nn.Conv2d(0, 8, 3)",
        ["Conv3d"] = "nn.Conv3d(0, 8, 3)",
        ["ConvTranspose1d"] = "nn.ConvTranspose1d(0, 8, 3)",
        ["ConvTranspose2d"] = "nn.ConvTranspose2d(0, 8, 3)",
        ["ConvTranspose3d"] = "nn.ConvTranspose3d(0, 8, 3)",
        ["MaxPool1d"] = "nn.MaxPool1d(0)",
        ["MaxPool2d"] = "nn.MaxPool2d(0)",
        ["MaxPool3d"] = "nn.MaxPool3d(0)",
        ["AvgPool1d"] = "nn.AvgPool1d(0)",
        ["AvgPool2d"] = "nn.AvgPool2d(0)",
        ["AvgPool3d"] = "nn.AvgPool3d(0)",
        ["AdaptiveAvgPool1d"] = "nn.AdaptiveAvgPool1d(0)",
        ["AdaptiveAvgPool2d"] = "nn.AdaptiveAvgPool2d(new long[] { 0, 0 })",
        ["AdaptiveAvgPool3d"] = "nn.AdaptiveAvgPool3d(new long[] { 0, 0, 0 })",
        ["AdaptiveMaxPool1d"] = "nn.AdaptiveMaxPool1d(0)",
        ["AdaptiveMaxPool2d"] = "nn.AdaptiveMaxPool2d(new long[] { 0, 0 })",
        ["AdaptiveMaxPool3d"] = "nn.AdaptiveMaxPool3d(new long[] { 2, 2, 2 })",
        ["MaxUnpool1d"] = "nn.MaxUnpool1d(0)",
        ["MaxUnpool2d"] = "nn.MaxUnpool2d(0)",
        ["MaxUnpool3d"] = "nn.MaxUnpool3d(0)",
        ["Upsample"] = "nn.Upsample(size: new long[] { 0, 0 })",
        ["BatchNorm1d"] = "nn.BatchNorm1d(0)",
        ["BatchNorm2d"] = "nn.BatchNorm2d(0)",
        ["BatchNorm3d"] = "nn.BatchNorm3d(0)",
        ["Linear"] = "nn.Linear(0, 10)",
        ["Flatten"] = "nn.Flatten(3, 1)",
        ["Unflatten"] = "nn.Unflatten(-1, new long[] { 4, 4 })",
    };

    [Fact]
    public void Every_factory_of_the_layer_table_has_an_invalid_call_here() =>
        Assert.Equal(LayerTable.Factories.Keys.Order(), InvalidCalls.Keys.Order());

    public static TheoryData<string> Factories() => new(InvalidCalls.Keys);

    /// <summary>
    /// A file whose only layer word is this factory's name (no other factory, no class named after one): the text
    /// prefilter must let it through, or the layer analyzer would be silent about the invalid argument.
    /// </summary>
    [Theory]
    [MemberData(nameof(Factories))]
    public async Task A_file_that_mentions_only_this_factory_is_analyzed(string factory)
    {
        var source = "using TorchSharp; using static TorchSharp.torch;\nclass C { object M() => " + InvalidCalls[factory] + "; }";
        foreach (var other in LayerTable.Factories.Keys.Where(k => k != factory && !factory.Contains(k, StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(other, source, StringComparison.Ordinal);
        }

        var compilation = await TestCompilation.CreateAsync(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await compilation.WithAnalyzers([new LayerAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Contains(diagnostics, d => d.Id == "CONV002");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16 * 1024 - 3)]
    [InlineData(16 * 1024 - 1)]
    [InlineData(16 * 1024)]
    [InlineData(3 * 16 * 1024 + 7)]
    public void A_word_is_found_wherever_it_stands_across_the_chunks(int position)
    {
        var words = LayerTable.Factories.Keys.ToList();
        var text = new string(' ', position) + "Upsample" + new string(' ', 100);
        Assert.True(CandidateInvocations.Mentions(SourceText.From(text), words));
        Assert.False(CandidateInvocations.Mentions(SourceText.From(text.Replace("Upsample", "Upsampl", StringComparison.Ordinal)), words));
    }

    [Theory]
    [InlineData("nn.Conv2d(1, 2, 3)", "Conv2d")]
    [InlineData("Conv2d(1, 2, 3)", "Conv2d")]
    [InlineData("TorchSharp.torch.nn.Conv2d(1, 2, 3)", "Conv2d")]
    [InlineData("model?.forward(x)", "forward")]
    [InlineData("Make<int>(1)", "Make")]
    [InlineData("((System.Func<int>)null)()", null)]
    public void The_called_name_is_the_name_written_at_the_call(string expression, string? name)
    {
        var invocation = (InvocationExpressionSyntax)SyntaxFactory.ParseExpression(expression).DescendantNodesAndSelf().First(n => n is InvocationExpressionSyntax);
        Assert.Equal(name, CandidateInvocations.CalledName(invocation));
    }
}
