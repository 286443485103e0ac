using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using StreamJsonRpc;
using Xunit;

namespace ConvAnalyzers.ClientTests;

/// <summary>One diagnostic as an LSP server sends it: 0-based line and UTF-16 character of both ends.</summary>
public sealed record LspDiagnostic(string Code, int StartLine, int StartCharacter, int EndLine, int EndCharacter, string Message)
{
    public override string ToString() => $"({StartLine},{StartCharacter}-{EndLine},{EndCharacter}) {Code}: {Message}";
}

/// <summary>
/// A minimal LSP client over StreamJsonRpc: what an editor sends csharp-ls for one open file (initialize, the
/// <c>csharp</c> configuration section, didOpen, didChange, pull diagnostics), and what it answers the server's requests.
/// </summary>
public sealed class LanguageServerClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly JsonElement _settings;
    private int _version = 1;

    private LanguageServerClient(Process process, JsonElement settings)
    {
        _process = process;
        _settings = settings;
        _process.ErrorDataReceived += (_, e) => Remember("stderr: " + e.Data);
        _process.BeginErrorReadLine();
        var formatter = new SystemTextJsonFormatter();
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter));
        _rpc.AddLocalRpcTarget(new ServerRequests(this), new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        _rpc.StartListening();
    }

    /// <summary>True when the server's text sync is incremental (kind 2): edits go as ranges, else as full text.</summary>
    public bool Incremental { get; private set; }

    /// <summary>Starts the server as `dotnet tool run` from the manifest in <paramref name="manifestDirectory"/>.</summary>
    public static LanguageServerClient Start(string manifestDirectory, string tool, JsonElement settings)
    {
        var start = Clients.DotnetStart(manifestDirectory, $"tool run {tool} -- --loglevel info");
        start.RedirectStandardInput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet tool run " + tool);
        return new LanguageServerClient(process, settings);
    }

    public string RecentLog => string.Join("\n", _log.TakeLast(60));

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 400 && _log.TryDequeue(out _))
        {
        }
    }

    public async Task InitializeAsync(string root, CancellationToken cancellation)
    {
        var rootUri = new Uri(root.TrimEnd('/') + "/").AbsoluteUri.TrimEnd('/');
        var result = await _rpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new
        {
            processId = Environment.ProcessId,
            clientInfo = new { name = "ConvAnalyzers.ClientTests" },
            rootUri,
            workspaceFolders = new[] { new { uri = rootUri, name = "consumer" } },
            capabilities = new
            {
                workspace = new { configuration = true, workspaceFolders = true, didChangeConfiguration = new { dynamicRegistration = false } },
                textDocument = new
                {
                    synchronization = new { dynamicRegistration = false, didSave = false },
                    diagnostic = new { dynamicRegistration = false, relatedDocumentSupport = false },
                    publishDiagnostics = new { relatedInformation = false },
                },
                general = new { positionEncodings = new[] { "utf-16" } },
            },
        }, cancellation);
        var sync = result.GetProperty("capabilities").GetProperty("textDocumentSync");
        Incremental = (sync.ValueKind == JsonValueKind.Number ? sync.GetInt32() : sync.GetProperty("change").GetInt32()) == 2;
        await _rpc.NotifyWithParameterObjectAsync("initialized", new { });
        await _rpc.NotifyWithParameterObjectAsync("workspace/didChangeConfiguration", new { settings = new { csharp = _settings } });
    }

    public Task OpenAsync(string uri, string text) =>
        _rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = _version, text } });

    /// <summary>Replaces [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="before"/> with <paramref name="replacement"/>, as a range edit or as the full text.</summary>
    public async Task<string> ChangeAsync(string uri, string before, int start, int end, string replacement)
    {
        var after = before[..start] + replacement + before[end..];
        object change = Incremental
            ? new { range = new { start = Position(before, start), end = Position(before, end) }, text = replacement }
            : new { text = after };
        await _rpc.NotifyWithParameterObjectAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version = ++_version },
            contentChanges = new[] { change },
        });
        return after;
    }

    private static object Position(string text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new { line, character = offset - lineStart };
    }

    public async Task<IReadOnlyList<LspDiagnostic>> PullDiagnosticsAsync(string uri, CancellationToken cancellation)
    {
        var report = await _rpc.InvokeWithParameterObjectAsync<JsonElement>("textDocument/diagnostic", new { textDocument = new { uri } }, cancellation);
        var list = new List<LspDiagnostic>();
        if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty("items", out var items))
        {
            return list;
        }

        foreach (var item in items.EnumerateArray())
        {
            var range = item.GetProperty("range");
            var code = item.TryGetProperty("code", out var c) ? (c.ValueKind == JsonValueKind.String ? c.GetString()! : c.GetRawText()) : "";
            list.Add(new LspDiagnostic(code,
                range.GetProperty("start").GetProperty("line").GetInt32(), range.GetProperty("start").GetProperty("character").GetInt32(),
                range.GetProperty("end").GetProperty("line").GetInt32(), range.GetProperty("end").GetProperty("character").GetInt32(),
                item.GetProperty("message").GetString()!));
        }

        return list;
    }

    /// <summary>Pulls until <paramref name="done"/> holds; every report is kept, so a passing assertion never hides an earlier one.</summary>
    public async Task<(IReadOnlyList<LspDiagnostic> Diagnostics, TimeSpan Elapsed, List<IReadOnlyList<LspDiagnostic>> Seen)> PullUntilAsync(
        string uri, Func<IReadOnlyList<LspDiagnostic>, bool> done, TimeSpan limit, string waitingFor)
    {
        var clock = Stopwatch.StartNew();
        var seen = new List<IReadOnlyList<LspDiagnostic>>();
        using var cancellation = new CancellationTokenSource(limit);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"csharp-ls exited ({_process.ExitCode}) while waiting for {waitingFor}\n{RecentLog}");
            }

            IReadOnlyList<LspDiagnostic> diagnostics;
            try
            {
                diagnostics = await PullDiagnosticsAsync(uri, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"no answer within {limit.TotalSeconds} s while waiting for {waitingFor}; last reports:\n"
                    + string.Join("\n", seen.TakeLast(3).Select(s => string.Join("; ", s))) + "\n" + RecentLog);
            }

            seen.Add(diagnostics);
            if (done(diagnostics))
            {
                return (diagnostics, clock.Elapsed, seen);
            }

            Assert.True(clock.Elapsed < limit, $"{waitingFor}: not seen within {limit.TotalSeconds} s; last reports:\n"
                + string.Join("\n", seen.TakeLast(3).Select(s => string.Join("; ", s))) + "\n" + RecentLog);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _rpc.InvokeWithCancellationAsync<JsonElement?>("shutdown", null, shutdown.Token);
                await _rpc.NotifyAsync("exit");
            }
            catch (Exception e) when (e is OperationCanceledException or ConnectionLostException or RemoteInvocationException)
            {
                Remember("shutdown: " + e.Message);
            }

            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _rpc.Dispose();
        _process.Dispose();
    }

    /// <summary>What an editor answers the server: its settings, and acknowledgements for registration and progress.</summary>
    private sealed class ServerRequests(LanguageServerClient client)
    {
        [JsonRpcMethod("workspace/configuration", UseSingleObjectParameterDeserialization = true)]
        public JsonElement[] Configuration(JsonElement request) =>
            request.GetProperty("items").EnumerateArray()
                .Select(item => item.TryGetProperty("section", out var section) && section.GetString() == "csharp"
                    ? client._settings
                    : JsonDocument.Parse("null").RootElement)
                .ToArray();

        [JsonRpcMethod("client/registerCapability", UseSingleObjectParameterDeserialization = true)]
        public object? Register(JsonElement request) => null;

        [JsonRpcMethod("client/unregisterCapability", UseSingleObjectParameterDeserialization = true)]
        public object? Unregister(JsonElement request) => null;

        [JsonRpcMethod("window/workDoneProgress/create", UseSingleObjectParameterDeserialization = true)]
        public object? CreateProgress(JsonElement request) => null;

        [JsonRpcMethod("workspace/diagnostic/refresh")]
        public object? RefreshDiagnostics() => null;

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void Log(JsonElement message) => client.Remember("log: " + message.GetProperty("message").GetString());

        [JsonRpcMethod("window/showMessage", UseSingleObjectParameterDeserialization = true)]
        public void Show(JsonElement message) => client.Remember("show: " + message.GetProperty("message").GetString());
    }
}
