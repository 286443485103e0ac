using ConvAnalyzers.Tests.Analyzers;
using Xunit;

namespace ConvAnalyzers.Tests.Build;

/// <summary>
/// Warnings are errors in the repository's own src folder, and only there: a clone under a folder that happens to be
/// named src (<c>~/src/ConvAnalyzers</c>) must not turn NU1603 and friends in the tests and benchmarks into errors.
/// </summary>
public sealed class WarningsAsErrorsScopeTests
{
    private static readonly string[] Shipping = { "src/ConvAnalyzers/ConvAnalyzers.csproj", "src/ConvAnalyzers.CodeFixes/ConvAnalyzers.CodeFixes.csproj" };

    private static readonly string[] NotShipping = { "tests/ConvAnalyzers.Tests/ConvAnalyzers.Tests.csproj", "benchmarks/ConvAnalyzers.Benchmarks/ConvAnalyzers.Benchmarks.csproj" };

    [Fact]
    public void A_clone_under_a_folder_named_src_treats_warnings_as_errors_only_in_its_own_src()
    {
        var root = AnalyzerHygieneTests.RepositoryRoot();
        var outer = Directory.CreateTempSubdirectory("conv-clone-");
        try
        {
            // Only what evaluation reads: the root props, the SDK pin and the project files, at their relative paths.
            var clone = Path.Combine(outer.FullName, "src", "ConvAnalyzers");
            foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" }.Concat(Shipping).Concat(NotShipping))
            {
                var target = Path.Combine(clone, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(root, file), target);
            }

            foreach (var project in Shipping)
            {
                Assert.Equal("true", TreatWarningsAsErrors(clone, project));
            }

            foreach (var project in NotShipping)
            {
                Assert.NotEqual("true", TreatWarningsAsErrors(clone, project));
            }
        }
        finally
        {
            outer.Delete(recursive: true);
        }
    }

    private static string TreatWarningsAsErrors(string clone, string project)
    {
        var (code, output) = PackedPackage.Dotnet(clone, $"msbuild \"{project}\" -nologo -getProperty:TreatWarningsAsErrors");
        Assert.True(code == 0, output);
        return output.Trim().ToLowerInvariant();
    }
}
