using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// Cases the interpreter does not get right yet, each with what goes wrong. A case listed here must still fail its
/// check (the test fails once it passes, so the list can only shrink); every other case must pass. The list is the
/// open work of the interpreter issue, not an allowance: docs and the issue note name the same cases.
/// </summary>
public static class KnownGaps
{
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>
    {
    };

    /// <summary>The cases whose TorchSharp cross-check (the libtorch tests) still fails: a subset of <see cref="Cases"/>.</summary>
    public static readonly IReadOnlyCollection<string> TorchSharpChecks = new HashSet<string>
    {
    };

    /// <summary>As <see cref="Check"/>, for the libtorch cross-checks.</summary>
    public static Task CheckTorchSharp(string name, Func<Task> check) =>
        TorchSharpChecks.Contains(name) ? Check(name, check) : check();

    /// <summary>Runs <paramref name="check"/>: a listed case must fail it, any other case must pass it.</summary>
    public static async Task Check(string name, Func<Task> check)
    {
        if (!Cases.TryGetValue(name, out var gap))
        {
            await check();
            return;
        }

        try
        {
            await check();
        }
        catch (Exception)
        {
            return;
        }

        throw new InvalidOperationException($"{name} now passes; remove it from KnownGaps ({gap}).");
    }
}
