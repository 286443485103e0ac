using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConvAnalyzers.Benchmarks;

/// <summary>
/// Reads a speedscope profile of <c>profile-analyzers</c> (dotnet-trace collect --format speedscope) and sums the CPU
/// that ConvAnalyzers' analyzers cost: samples with an analyzer frame on the stack (their callbacks, whatever they call),
/// and samples of the analyzer driver building operation trees for analyzers' operation-block actions (work the driver
/// does for an analyzer outside its callbacks, which its telemetry does not count). Samples inside a garbage collection,
/// and gaps longer than 3 ms (a thread stopped while another collects), are counted apart: pauses hit whatever runs.
/// </summary>
internal static class ProfileCpu
{
    private static readonly Regex Arguments = new(@"\(.*", RegexOptions.Compiled);

    public static void Print(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var frames = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => Arguments.Replace(f.GetProperty("name").GetString() ?? string.Empty, string.Empty)).ToArray();
        var ours = frames.Select(f => f.StartsWith("ConvAnalyzers!", StringComparison.Ordinal)).ToArray();
        var collecting = frames.Select(f => f.Contains("PollGC", StringComparison.Ordinal) || f.Contains("GCHeap", StringComparison.Ordinal) || f.Contains("WKS::", StringComparison.Ordinal)).ToArray();
        var operationBlocks = frames.Select(f => f.EndsWith(".GetOperationBlocksToAnalyze", StringComparison.Ordinal) || f.EndsWith(".ComputeDeclarationAnalysisData", StringComparison.Ordinal)
            || f.EndsWith(".ExecuteOperationBlockActions", StringComparison.Ordinal)).ToArray();
        double callbacks = 0, driver = 0, paused = 0, gaps = 0;
        foreach (var profile in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<int>();
            double? last = null;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (stack.Count > 0 && last is { } before)
                {
                    var dt = at - before;
                    var mine = stack.Any(f => ours[f]);
                    var forDriver = !mine && stack.Any(f => operationBlocks[f]);
                    if (mine || forDriver)
                    {
                        if (stack.Any(f => collecting[f]))
                        {
                            paused += dt;
                        }
                        else if (dt > 3)
                        {
                            gaps += dt;
                        }
                        else if (mine)
                        {
                            callbacks += dt;
                        }
                        else
                        {
                            driver += dt;
                        }
                    }
                }

                last = at;
                if (e.GetProperty("type").GetString() == "O")
                {
                    stack.Add(e.GetProperty("frame").GetInt32());
                }
                else if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
            }
        }

        Console.WriteLine($"{Path.GetFileName(path)}: CPU in the analyzers' callbacks {callbacks:F0} ms; the driver's operation trees for their operation-block actions {driver:F0} ms; "
            + $"together {callbacks + driver:F0} ms; apart: in collections {paused:F0} ms, stopped (gaps over 3 ms) {gaps:F0} ms");
    }
}
