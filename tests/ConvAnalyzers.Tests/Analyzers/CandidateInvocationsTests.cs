using ConvAnalyzers.Binding;
using ConvAnalyzers.Extraction;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ConvAnalyzers.Tests.Analyzers;

/// <summary>The analyzers' pre-filters must never hide a call they understand.</summary>
public sealed class CandidateInvocationsTests
{
    [Fact]
    public void Every_factory_name_contains_one_of_the_words_the_text_is_searched_for()
    {
        foreach (var name in TorchSharpSymbols.FactoryNames)
        {
            Assert.True(TorchSharpSymbols.FactoryWords.Any(w => name.Contains(w, StringComparison.Ordinal)), name + " contains none of the factory words");
            Assert.True(TorchSharpSymbols.IsFactoryName(name));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16 * 1024 - 3)]
    [InlineData(16 * 1024 - 1)]
    [InlineData(16 * 1024)]
    [InlineData(3 * 16 * 1024 + 7)]
    public void A_word_is_found_wherever_it_stands_across_the_chunks(int position)
    {
        var text = new string(' ', position) + "Upsample" + new string(' ', 100);
        Assert.True(CandidateInvocations.Mentions(SourceText.From(text), TorchSharpSymbols.FactoryWords));
        Assert.False(CandidateInvocations.Mentions(SourceText.From(text.Replace("Upsample", "Upsampl", StringComparison.Ordinal)), TorchSharpSymbols.FactoryWords));
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
