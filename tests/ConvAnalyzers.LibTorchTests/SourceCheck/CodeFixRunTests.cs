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
            before = string.Join(",", Run(Regex.Replace(c.Before, @"\{\|[A-Z]+[0-9]+:|\|\}", string.Empty), c.Module, c.Input));
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
        {
            before = null;
        }

        Assert.NotEqual(string.Join(",", c.Output), before);
    }

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
