using ConvAnalyzers.Tests.Analyzers;
using Xunit;

namespace ConvAnalyzers.Tests.Build;

/// <summary>A user's project referencing the analyzer: `dotnet build` shows the diagnostics.</summary>
public sealed class ConsumerBuildTests
{
    [Fact]
    public void Dotnet_build_reports_CONV001_as_an_error()
    {
        var root = AnalyzerHygieneTests.RepositoryRoot();
        var directory = Directory.CreateTempSubdirectory("conv-consumer-");
        try
        {
            var analyzerProject = Path.Combine(root, "src/ConvAnalyzers/ConvAnalyzers.csproj");
            File.WriteAllText(Path.Combine(directory.FullName, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <OutputType>Library</OutputType>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="TorchSharp" Version="0.107.0" />
                    <ProjectReference Include="{analyzerProject}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            const string decoder = """
                using TorchSharp;
                using static TorchSharp.torch;

                public static class Decoder
                {
                    public static nn.Module<Tensor, Tensor> Build() => nn.ConvTranspose2d(1, 1, 2, stride: 2, output_padding: 2);
                }
                """;
            File.WriteAllText(Path.Combine(directory.FullName, "Decoder.cs"), decoder);
            var line = decoder.Split('\n')[5];
            var column = line.IndexOf("output_padding: 2", StringComparison.Ordinal) + 1;

            var (exitCode, text) = PackedPackage.Dotnet(directory.FullName, "build -nologo -v q");

            Assert.True(exitCode != 0, text);
            Assert.True(text.Contains("error CONV001", StringComparison.Ordinal), text);
            Assert.True(text.Contains($"Decoder.cs(6,{column}): error CONV001: output padding must be smaller than either stride or dilation", StringComparison.Ordinal), text);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
