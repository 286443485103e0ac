using ConvAnalyzers.CodeFixes;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Xunit;

namespace ConvAnalyzers.Tests.CodeFixes;

/// <summary>"My U-Net fails on 250×250": on the attribute, the refactoring changes the size to an accepted neighbour.</summary>
public sealed class UseAcceptedInputSizeTests
{
    [Theory]
    [InlineData("Use input size 240", "InputShape(1, 1, 240, 240)")]
    [InlineData("Use input size 256", "InputShape(1, 1, 256, 256)")]
    public async Task A_UNet_on_250_offers_either_accepted_neighbour(string title, string fixedShape)
    {
        var source = NetworkAnalyzerSources.UNet(250, broken: false);
        var (document, actions) = await RefactoringRunner.Refactorings(new UseAcceptedInputSizeRefactoring(), source, "InputShape");
        Assert.Equal(["Use input size 240", "Use input size 256"], actions.Select(a => a.Title));
        var changed = await RefactoringRunner.Apply(document, actions.Single(a => a.Title == title));
        Assert.Equal(source.Replace("InputShape(1, 1, 250, 250)", fixedShape), changed);
    }

    [Fact]
    public async Task Only_the_failing_dimension_changes_when_the_sizes_differ()
    {
        var source = NetworkAnalyzerSources.UNet(250, broken: false).Replace("InputShape(1, 1, 250, 250)", "InputShape(1, 1, 256, 250)");
        var (document, actions) = await RefactoringRunner.Refactorings(new UseAcceptedInputSizeRefactoring(), source, "InputShape");
        Assert.Equal(["Use input size W 240", "Use input size W 256"], actions.Select(a => a.Title));
        Assert.Contains("InputShape(1, 1, 256, 256)", await RefactoringRunner.Apply(document, actions[1]));
    }

    /// <summary>The same U-Net without the attribute, run from a method on a tensor it builds: the sizes are edited where they are written.</summary>
    [Theory]
    [InlineData("torch.zeros(1, 1, 250, 250)", "torch.zeros(1, 1, 256, 256)")]
    [InlineData("torch.randn(new long[] { 1, 1, 250, 250 })", "torch.randn(new long[] { 1, 1, 256, 256 })")]
    public async Task A_discovered_input_is_changed_at_the_tensor_factory(string factory, string fixedFactory)
    {
        var source = NetworkAnalyzerSources.UNet(250, broken: false).Replace("[ConvAnalyzers.InputShape(1, 1, 250, 250)]\n", string.Empty) + $$"""

            public static class Program
            {
                public static void Run()
                {
                    var model = new UNet();
                    using var x = {{factory}};
                    model.forward(x);
                }
            }
            """;
        var (document, actions) = await RefactoringRunner.Refactorings(new UseAcceptedInputSizeRefactoring(), source, factory.Substring(6, 5));
        Assert.Equal(["Use input size 240", "Use input size 256"], actions.Select(a => a.Title));
        Assert.Equal(source.Replace(factory, fixedFactory), await RefactoringRunner.Apply(document, actions[1]));
    }

    [Fact]
    public async Task A_size_that_works_offers_nothing()
    {
        var (_, actions) = await RefactoringRunner.Refactorings(new UseAcceptedInputSizeRefactoring(), NetworkAnalyzerSources.UNet(256, broken: false), "InputShape");
        Assert.Empty(actions);
    }
}
