using ConvAnalyzers.CodeFixes;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using ConvAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ConvAnalyzers.Tests.CodeFixes;

public sealed class SolveForOutputShapeTests
{
    private static Task<(Document Document, List<CodeAction> Actions)> Refactorings(string source, string at) =>
        RefactoringRunner.Refactorings(new SolveForOutputShapeRefactoring(), source, at);

    private static Task<string> Apply(Document document, CodeAction action) => RefactoringRunner.Apply(document, action);

    [Fact]
    public async Task Seed_question_answered_in_the_editor()
    {
        // "I have input [128,128,12,16,12] and want [128,256,24,32,24]": the ×2 target of the transposed layer.
        var source = NetworkAnalyzerSources.Usings + """
            [ConvAnalyzers.InputShape(128, 128, 12, 16, 12)]
            public sealed class Up : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose3d(128, 256, 3, stride: 2);

                public Up() : base(nameof(Up)) => RegisterComponents();

                public override Tensor forward(Tensor x) => up.forward(x);
            }
            """;
        var (document, actions) = await Refactorings(source, "ConvTranspose3d");
        var titles = actions.Select(a => a.Title).ToList();
        Assert.Contains("Solve for output 24,32,24 (×2): padding: 1, output_padding: 1", titles);
        Assert.DoesNotContain(titles, t => t.Contains("(same size)", StringComparison.Ordinal) && !t.Contains("padding", StringComparison.Ordinal));

        var fixedSource = await Apply(document, actions.Single(a => a.Title.Contains("(×2)", StringComparison.Ordinal)));
        Assert.Contains("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1)", fixedSource);
    }

    [Fact]
    public async Task Same_size_for_a_conv_lists_the_padding()
    {
        var source = NetworkAnalyzerSources.Usings + """
            [ConvAnalyzers.InputShape(1, 3, 32, 32)]
            public sealed class Stem : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 16, 5), nn.ReLU());

                public Stem() : base(nameof(Stem)) => RegisterComponents();

                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """;
        var (document, actions) = await Refactorings(source, "Conv2d");
        var same = Assert.Single(actions, a => a.Title.Contains("(same size)", StringComparison.Ordinal));
        Assert.Equal("Solve for output 32,32 (same size): padding: 2", same.Title);
        Assert.Contains("nn.Conv2d(3, 16, 5, padding: 2)", await Apply(document, same));
    }

    [Fact]
    public async Task A_decoder_layer_is_offered_its_encoder_input()
    {
        var (document, actions) = await Refactorings(NetworkAnalyzerSources.SeedAutoencoder("nn.ConvTranspose3d(128, 256, 3, stride: 2)"), "ConvTranspose3d");
        var mirror = actions.First();
        Assert.Equal("Solve for output 24,32,24 (what Conv3d received): padding: 1, output_padding: 1", mirror.Title);
        Assert.Contains("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1)", await Apply(document, mirror));
    }

    [Fact]
    public async Task Without_a_known_input_there_is_nothing_to_solve()
    {
        var (_, actions) = await Refactorings(NetworkAnalyzerSources.Usings + "class C { object l = nn.Conv2d(3, 16, 5); }", "Conv2d");
        Assert.Empty(actions);
    }
}
