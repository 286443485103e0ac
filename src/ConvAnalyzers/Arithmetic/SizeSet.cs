using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// A set of sizes within 1…<see cref="Limit"/>, as CONV011 writes it (DESIGN §4, "Free sizes"): at most four parts,
/// each <c>bk (lo…hi)</c>, <c>bk+c (lo…hi)</c>, <c>every size (lo…hi)</c> or a list of at most eight sizes; a set
/// that needs more is written <c>n sizes from lo to hi</c>. Every part names exactly the sizes of the set it covers.
/// </summary>
public static class SizeSet
{
    /// <summary>Nothing is claimed beyond this size.</summary>
    public const int Limit = 4096;

    private const int MaxParts = 4;

    private const int MaxList = 8;

    /// <summary>The set in the notation; "no size" for the empty set.</summary>
    public static string Format(IReadOnlyList<long> sorted)
    {
        if (sorted.Count == 0)
        {
            return "no size";
        }

        var parts = Parts(sorted);
        return parts.Count <= MaxParts
            ? string.Join(" or ", parts)
            : $"{sorted.Count} sizes from {N(sorted[0])} to {N(sorted[sorted.Count - 1])}";
    }

    /// <summary>
    /// <c>every H (1…4096)</c> when the set is one unbroken range, else <c>H = 16k (16…4096)</c>: how a dimension's
    /// set reads in a sentence.
    /// </summary>
    public static string Named(string dimension, IReadOnlyList<long> sorted)
    {
        var parts = sorted.Count == 0 ? [] : Parts(sorted);
        return parts is [var only] && only.StartsWith("every size ", System.StringComparison.Ordinal)
            ? $"every {dimension} {only.Substring("every size ".Length)}"
            : $"{dimension} = {Format(sorted)}";
    }

    /// <summary>
    /// Runs of consecutive members with one step (at least three members) become progressions; what is left between
    /// them becomes lists of up to eight sizes.
    /// </summary>
    private static List<string> Parts(IReadOnlyList<long> sorted)
    {
        var parts = new List<string>();
        var loose = new List<long>();
        void FlushLoose()
        {
            for (var i = 0; i < loose.Count; i += MaxList)
            {
                parts.Add(string.Join(", ", loose.Skip(i).Take(MaxList).Select(N)));
            }

            loose.Clear();
        }

        var start = 0;
        while (start < sorted.Count)
        {
            var end = start;
            if (start + 1 < sorted.Count)
            {
                var step = sorted[start + 1] - sorted[start];
                end = start + 1;
                while (end + 1 < sorted.Count && sorted[end + 1] - sorted[end] == step)
                {
                    end++;
                }
            }

            if (end - start + 1 >= 3)
            {
                FlushLoose();
                parts.Add(Progression(sorted[start], sorted[end], sorted[start + 1] - sorted[start]));
                start = end + 1;
            }
            else
            {
                loose.Add(sorted[start]);
                start++;
            }
        }

        FlushLoose();
        return parts;
    }

    private static string Progression(long lo, long hi, long step)
    {
        var range = $"({N(lo)}…{N(hi)})";
        if (step == 1)
        {
            return "every size " + range;
        }

        var offset = lo % step;
        return offset == 0 ? $"{N(step)}k {range}" : $"{N(step)}k+{N(offset)} {range}";
    }

    /// <summary>The members nearest to <paramref name="size"/> below and above it (either may be missing).</summary>
    public static (long? Below, long? Above) Nearest(IReadOnlyList<long> sorted, long size) =>
        (sorted.Where(s => s < size).Select(s => (long?)s).LastOrDefault(), sorted.Where(s => s > size).Select(s => (long?)s).FirstOrDefault());

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
