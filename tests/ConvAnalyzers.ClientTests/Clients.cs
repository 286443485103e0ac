using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit;

namespace ConvAnalyzers.ClientTests;

/// <summary>
/// The package as users get it: packed once per run into a local feed, under a version of its own, so that NuGet's
/// global packages folder can never serve an older build of ConvAnalyzers 0.1.0 to these tests.
/// </summary>
public sealed class LocalFeed : IDisposable
{
    public LocalFeed()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("conv-client-feed-");
        Version = "0.1.0-client" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var (code, output) = Clients.Dotnet(Clients.RepositoryRoot, $"pack src/ConvAnalyzers.Package -c Release -o \"{Directory.FullName}\" -p:PackageVersion={Version} -nologo");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(Directory.FullName, $"ConvAnalyzers.{Version}.nupkg")), output);
    }

    public DirectoryInfo Directory { get; }

    public string Version { get; }

    /// <summary>A fresh folder holding a project that installs the package from this feed, as README's Install says.</summary>
    public string Consumer(string name, string torchSharpPackage, IEnumerable<(string Path, string Text)> files, string? editorConfig = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("conv-client-" + name + "-").FullName;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="convanalyzers-local" value="{Directory.FullName}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{torchSharpPackage}" Version="0.107.0" />
                <PackageReference Include="ConvAnalyzers" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(directory, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        if (editorConfig is not null)
        {
            File.WriteAllText(Path.Combine(directory, ".editorconfig"), "root = true\n\n[*.cs]\n" + editorConfig);
        }

        var (code, output) = Clients.Dotnet(directory, "restore -nologo");
        Assert.True(code == 0, output);
        return directory;
    }

    public void Dispose() => Directory.Delete(recursive: true);
}

/// <summary>The client tests share one packed package and run one at a time (each starts real tools on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class ClientCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "clients";
}

/// <summary>One diagnostic as a client reports it: 1-based line and column of both ends, as SARIF writes them.</summary>
public sealed record ReportedDiagnostic(string Id, string Level, string File, int StartLine, int StartColumn, int EndLine, int EndColumn, string Message)
{
    public override string ToString() => $"{Path.GetFileName(File)}({StartLine},{StartColumn}-{EndLine},{EndColumn}): {Level} {Id}: {Message}";
}

public static class Clients
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConvAnalyzers.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ConvAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>`dotnet tool restore` from .config/dotnet-tools.json: idempotent, and a failure fails the test (CI included).</summary>
    public static void RestoreTools()
    {
        var (code, output) = Dotnet(RepositoryRoot, "tool restore");
        Assert.True(code == 0, "dotnet tool restore failed (csharp-ls comes from NuGet through .config/dotnet-tools.json):\n" + output);
    }

    /// <summary>A process start for the dotnet CLI without the MSBuild variables the test host sets for itself.</summary>
    public static ProcessStartInfo DotnetStart(string workingDirectory, string arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en-US";
        return start;
    }

    public static (int Code, string Output) Dotnet(string workingDirectory, string arguments, int minutes = 8)
    {
        using var process = Process.Start(DotnetStart(workingDirectory, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(minutes)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out: dotnet " + arguments + "\n" + output.Result + error.Result);
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>
    /// `dotnet build` with a SARIF 2.1 log: the build's own diagnostics with their full ranges and messages, the
    /// reference every client is compared with. Returns the exit code, the output and the results.
    /// </summary>
    public static (int Code, string Output, IReadOnlyList<ReportedDiagnostic> Diagnostics) Build(string directory, string project, string properties = "")
    {
        var log = Path.Combine(Path.GetTempPath(), "conv-client-" + Guid.NewGuid().ToString("N") + ".sarif");
        var (code, output) = Dotnet(directory, $"build \"{project}\" -nologo --no-incremental -p:ErrorLog={log}%2Cversion=2.1 {properties}");
        Assert.True(File.Exists(log), output);
        using var sarif = JsonDocument.Parse(File.ReadAllText(log));
        File.Delete(log);
        var results = new List<ReportedDiagnostic>();
        foreach (var result in sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray())
        {
            if (!result.TryGetProperty("locations", out var locations) || locations.GetArrayLength() == 0)
            {
                continue;
            }

            var physical = locations[0].GetProperty("physicalLocation");
            var region = physical.GetProperty("region");
            results.Add(new ReportedDiagnostic(
                result.GetProperty("ruleId").GetString()!,
                result.GetProperty("level").GetString()!,
                new Uri(physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!).LocalPath,
                region.GetProperty("startLine").GetInt32(),
                region.GetProperty("startColumn").GetInt32(),
                region.GetProperty("endLine").GetInt32(),
                region.GetProperty("endColumn").GetInt32(),
                result.GetProperty("message").GetProperty("text").GetString()!));
        }

        return (code, output, results);
    }
}
