using ConvAnalyzers.TestSources;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using ConvAnalyzers.Tests.Analyzers;
using Xunit;

namespace ConvAnalyzers.Tests.Build;

/// <summary>Packs the NuGet package once for the tests that install it like a user does.</summary>
public sealed class PackedPackage : IDisposable
{
    public PackedPackage()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("conv-feed-");

        // A version of its own, so that NuGet's global cache never serves an older build of the same version.
        Version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var root = AnalyzerHygieneTests.RepositoryRoot();
        var (code, output) = Dotnet(root, $"pack src/ConvAnalyzers.Package -c Release -o \"{Directory.FullName}\" -p:PackageVersion={Version} -nologo");
        Assert.True(code == 0, output);
        Path = System.IO.Path.Combine(Directory.FullName, $"ConvAnalyzers.{Version}.nupkg");
        Assert.True(File.Exists(Path), output);
    }

    public DirectoryInfo Directory { get; }

    public string Version { get; }

    public string Path { get; }

    public static (int Code, string Output) Dotnet(string workingDirectory, string arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out: dotnet " + arguments);
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    public void Dispose() => Directory.Delete(recursive: true);
}

public sealed class PackageTests : IClassFixture<PackedPackage>
{
    private const string Decoder = ConsumerSources.SeedDecoder;

    private const string Broken = """
        public static class Broken
        {
            public static nn.Module<Tensor, Tensor> Up() => nn.ConvTranspose2d(1, 1, 2, stride: 2, output_padding: 2);
        }

        """;

    private readonly PackedPackage _package;

    public PackageTests(PackedPackage package) => _package = package;

    [Fact]
    public void Nupkg_has_both_assemblies_under_analyzers_and_nothing_in_lib()
    {
        using var zip = ZipFile.OpenRead(_package.Path);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("analyzers/dotnet/cs/ConvAnalyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ConvAnalyzers.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains("<developmentDependency>true</developmentDependency>", text);
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
        Assert.DoesNotContain("<dependency ", text);
    }

    private string Consumer(string source, string? editorConfig = null, string properties = "")
    {
        var directory = Directory.CreateTempSubdirectory("conv-consumer-").FullName;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{_package.Directory.FullName}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
                <PackageReference Include="ConvAnalyzers" Version="{_package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), "System.Console.WriteLine(\"consumer\");\n");
        File.WriteAllText(Path.Combine(directory, "Model.cs"), source);
        if (editorConfig is not null)
        {
            File.WriteAllText(Path.Combine(directory, ".editorconfig"), "root = true\n\n[*.cs]\n" + editorConfig);
        }

        return directory;
    }

    private static int LineOf(string source, string text) => source.Split('\n').TakeWhile(l => !l.Contains(text, StringComparison.Ordinal)).Count() + 1;

    [Fact]
    public void Dotnet_build_shows_the_diagnostics_and_the_sarif_log_has_them()
    {
        var source = Decoder + Broken;
        var directory = Consumer(source);
        var (code, output) = PackedPackage.Dotnet(directory, "build -nologo -p:ErrorLog=diagnostics.sarif%2Cversion=2.1");

        Assert.True(code != 0, output);
        Assert.Contains($"Model.cs({LineOf(source, "output_padding: 2")},", output);
        Assert.Contains("error CONV001: output padding must be smaller than either stride or dilation", output);
        Assert.Contains($"Model.cs({LineOf(source, "ConvTranspose3d")},", output);
        Assert.True(output.Contains("warning CONV005: for input [2,256,24,32,24]: ConvTranspose3d(k=3, s=2, p=1, op=0) maps D 12 → (12−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 23", StringComparison.Ordinal), output);

        using var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "diagnostics.sarif")));
        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Select(r => (Id: r.GetProperty("ruleId").GetString(), Level: r.GetProperty("level").GetString(),
                Line: r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32()))
            .ToList();
        Assert.Contains(("CONV001", "error", LineOf(source, "output_padding: 2")), results);
        Assert.Contains(("CONV005", "warning", LineOf(source, "ConvTranspose3d")), results);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Editorconfig_severity_and_pragma_are_respected()
    {
        var silenced = Consumer(Decoder, "dotnet_diagnostic.CONV005.severity = none\n");
        var (code, output) = PackedPackage.Dotnet(silenced, "build -nologo");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("CONV005", output);

        var raised = Consumer(Decoder, "dotnet_diagnostic.CONV005.severity = error\n");
        (code, output) = PackedPackage.Dotnet(raised, "build -nologo");
        Assert.True(code != 0, output);
        Assert.Contains("error CONV005", output);

        var pragma = Consumer(Decoder.Replace("    private readonly nn.Module<Tensor, Tensor> decoder", "#pragma warning disable CONV005\n    private readonly nn.Module<Tensor, Tensor> decoder"));
        (code, output) = PackedPackage.Dotnet(pragma, "build -nologo");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("CONV005", output);

        foreach (var directory in new[] { silenced, raised, pragma })
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Generator_diagnostics_obey_pragma_and_editorconfig_in_a_build()
    {
        // CONV103 (not partial) under #pragma, CONV102 (no input shape) lowered to a warning: the build succeeds.
        var source = Decoder + """
            public sealed class Unshaped : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 8, 3);
                public Unshaped() : base(nameof(Unshaped)) => RegisterComponents();
                public override Tensor forward(Tensor x) => conv.forward(x);
            }

            #pragma warning disable CONV103
            [ConvAnalyzers.MirrorDecoder(typeof(Autoencoder))]
            public class NotPartial { }
            #pragma warning restore CONV103

            [ConvAnalyzers.MirrorDecoder(typeof(Unshaped))]
            public partial class NoInput { }

            """;
        var directory = Consumer(source, "dotnet_diagnostic.CONV102.severity = warning\n");
        var (code, output) = PackedPackage.Dotnet(directory, "build -nologo");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("CONV103", output);
        Assert.Contains($"Model.cs({LineOf(source, "typeof(Unshaped)")},", output);
        Assert.Contains("warning CONV102: Unshaped has no known input shape", output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void TreatWarningsAsErrors_fails_the_build_on_CONV005()
    {
        var directory = Consumer(Decoder, properties: "<TreatWarningsAsErrors>true</TreatWarningsAsErrors>");
        var (code, output) = PackedPackage.Dotnet(directory, "build -nologo");
        Assert.True(code != 0, output);
        Assert.Contains("error CONV005", output);
        Directory.Delete(directory, recursive: true);
    }
}
