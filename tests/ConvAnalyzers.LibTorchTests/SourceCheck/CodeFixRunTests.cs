using System.Text.RegularExpressions;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using TorchSharp;
using Xunit;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>The code fixes' results (tests/Shared/CodeFixSources.cs) compiled and run in TorchSharp: they give the promised shapes, and the code before the fix did not.</summary>
public sealed class CodeFixRunTests
{
    public static TheoryData<string> Cases() => new(CodeFixSources.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixed_code_gives_the_promised_shape_in_TorchSharp(string name)
    {
        LibTorch.EnsureLoaded();
        var c = CodeFixSources.All[name];
        Assert.Equal(c.Output, Run(c.After, c.Module, c.Input));

        string? before;
        try
        {
            before = string.Join(",", Run(Unmarked(c.Before), c.Module, c.Input));
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
        {
            before = null;
        }

        Assert.NotEqual(string.Join(",", c.Output), before);
    }

    /// <summary>The CONV007 fix without an exact form writes what forward(x) already does: the same shape before and after.</summary>
    [Fact]
    public void Writing_a_collapsed_tuple_as_run_keeps_the_shape_TorchSharp_computes()
    {
        LibTorch.EnsureLoaded();
        var c = CodeFixSources.WrittenAsRun;
        Assert.Equal(c.Output, Run(Unmarked(c.Before), c.Module, c.Input));
        Assert.Equal(c.Output, Run(c.After, c.Module, c.Input));
    }

    private static string Unmarked(string source) => Regex.Replace(source, @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty);

    private static long[] Run(string source, string module, long[] input)
    {
        var compilation = InMemoryCompiler.Compile(module + Guid.NewGuid().ToString("N"), [("Case.cs", source), (AttributesGenerator.HintName, AttributesGenerator.Source)]);
        var assembly = InMemoryCompiler.Load(compilation);
        using var instance = (torch.nn.Module<torch.Tensor, torch.Tensor>)Activator.CreateInstance(assembly.GetType(module)!)!;
        using var scope = torch.NewDisposeScope();
        try
        {
            return instance.call(torch.zeros(input)).shape;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
