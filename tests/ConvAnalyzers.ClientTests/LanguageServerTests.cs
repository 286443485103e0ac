using ConvAnalyzers.TestSources;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace ConvAnalyzers.ClientTests;

/// <summary>
/// csharp-ls 0.28.0, installed from the repository's tool manifest, on a project that installs the packed package:
/// the seed's CONV005 appears in the open file with the build's range and message, goes when the fix is typed, and
/// comes back after the file is broken mid-line and restored, with no analyzer exception (AD0001) on the way.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class LanguageServerTests
{
    public const string Tool = "csharp-ls";

    /// <summary>The seed's second wrong decoder: padding 1 alone gives 23,31,23 where the encoder received 24,32,24.</summary>
    private const string Model = ConsumerSources.SeedDecoder;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private readonly LocalFeed _feed;
    private readonly ITestOutputHelper _output;

    public LanguageServerTests(LocalFeed feed, ITestOutputHelper output)
    {
        _feed = feed;
        _output = output;
    }

    [Fact]
    public async Task Csharp_ls_shows_CONV005_with_the_builds_range_and_message_and_follows_the_edits()
    {
        Clients.RestoreTools();
        var directory = _feed.Consumer("LspConsumer", "TorchSharp", [("Program.cs", "System.Console.WriteLine(\"consumer\");\n"), ("Model.cs", Model)]);
        var path = Path.Combine(directory, "Model.cs");
        var (_, buildOutput, built) = Clients.Build(directory, "LspConsumer.csproj");
        var expected = built.Where(d => d.Id == "CONV005" && d.File == path).ToList();
        Assert.True(expected.Count == 1, "the build should show the seed's CONV005 once:\n" + buildOutput);
        var build = expected[0];

        var uri = new Uri(path).AbsoluteUri;
        var settings = JsonDocument.Parse("""{ "analyzersEnabled": true }""").RootElement;
        var reports = new List<IReadOnlyList<LspDiagnostic>>();
        await using (var server = LanguageServerClient.Start(Clients.RepositoryRoot, Tool, settings))
        {
            using var initialization = new CancellationTokenSource(Limit);
            await server.InitializeAsync(directory, initialization.Token);
            await server.OpenAsync(uri, Model);

            var opened = await server.PullUntilAsync(uri, HasConv005, Limit, "CONV005 after didOpen");
            reports.AddRange(opened.Seen);
            var shown = opened.Diagnostics.Single(d => d.Code == "CONV005");
            Assert.Equal((build.StartLine - 1, build.StartColumn - 1, build.EndLine - 1, build.EndColumn - 1),
                (shown.StartLine, shown.StartCharacter, shown.EndLine, shown.EndCharacter));
            Assert.Equal(build.Message, shown.Message);

            // The fix, typed as the message says: output_padding: 1.
            var close = Model.IndexOf("padding: 1);", Model.IndexOf("ConvTranspose3d", StringComparison.Ordinal), StringComparison.Ordinal) + "padding: 1".Length;
            var fixedText = await server.ChangeAsync(uri, Model, close, close, ", output_padding: 1");
            var fixedUpdate = await server.PullUntilAsync(uri, d => !HasConv005(d), Limit, "CONV005 gone after the fix");
            reports.AddRange(fixedUpdate.Seen);

            // Broken mid-line: the decoder's arguments cut after "stride: 2, ", so the line no longer parses.
            var cut = fixedText.IndexOf("stride: 2, padding: 1, output_padding: 1);", StringComparison.Ordinal) + "stride: 2, ".Length;
            var lineEnd = fixedText.IndexOf('\n', cut);
            var broken = await server.ChangeAsync(uri, fixedText, cut, lineEnd, "");
            var brokenUpdate = await server.PullUntilAsync(uri, d => d.Any(x => x.Code.StartsWith("CS", StringComparison.Ordinal)), Limit, "a compiler error in the broken file");
            reports.AddRange(brokenUpdate.Seen);

            // Restored to the seed: the diagnostic returns, with the same range and message.
            var restored = await server.ChangeAsync(uri, broken, cut, cut, "padding: 1);");
            Assert.Equal(Model, restored);
            var restoredUpdate = await server.PullUntilAsync(uri, HasConv005, Limit, "CONV005 back after restoring the file");
            reports.AddRange(restoredUpdate.Seen);
            Assert.Equal(shown, restoredUpdate.Diagnostics.Single(d => d.Code == "CONV005"));

            _output.WriteLine($"csharp-ls {(server.Incremental ? "incremental" : "full")} sync: didOpen → CONV005 {opened.Elapsed.TotalSeconds:0.00} s; "
                + $"fix → gone {fixedUpdate.Elapsed.TotalSeconds:0.00} s; break mid-line → CS error {brokenUpdate.Elapsed.TotalSeconds:0.00} s; "
                + $"restore → CONV005 {restoredUpdate.Elapsed.TotalSeconds:0.00} s ({reports.Count} pulls)");
            _output.WriteLine("shown: " + shown);
        }

        var exceptions = reports.SelectMany(r => r).Where(d => d.Code == "AD0001").Distinct().ToList();
        Assert.True(exceptions.Count == 0, "analyzer exceptions in the editor:\n" + string.Join("\n", exceptions));
        Directory.Delete(directory, recursive: true);
    }

    private static bool HasConv005(IReadOnlyList<LspDiagnostic> diagnostics) => diagnostics.Any(d => d.Code == "CONV005");
}
