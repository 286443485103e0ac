using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// Renders the shape formulas with the numbers filled in, for diagnostic messages:
/// <c>(12−1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 24</c>.
/// </summary>
public static class ArithmeticText
{
    private const char Minus = '\u2212';

    /// <summary>Spatial dimension names as PyTorch's documentation uses them: L; H, W; D, H, W.</summary>
    public static string DimensionName(int dimension, int spatialRank) => spatialRank switch
    {
        1 => "L",
        2 => dimension == 0 ? "H" : "W",
        3 => dimension switch { 0 => "D", 1 => "H", _ => "W" },
        _ => "dim " + dimension,
    };

    public static string Conv(long i, long k, long s, long p, long d, long? result) =>
        $"⌊({N(i)} + 2·{N(p)} {Minus} {N(d)}·({N(k)}{Minus}1) {Minus} 1) / {N(s)}⌋ + 1 = {R(result)}";

    public static string ConvAsymmetric(long i, long k, long s, long padLeft, long padRight, long d, long? result) =>
        $"⌊({N(i)} + {N(padLeft)} + {N(padRight)} {Minus} {N(d)}·({N(k)}{Minus}1) {Minus} 1) / {N(s)}⌋ + 1 = {R(result)}";

    public static string ConvTranspose(long i, long k, long s, long p, long d, long op, long? result) =>
        $"({N(i)}{Minus}1)·{N(s)} {Minus} 2·{N(p)} + {N(d)}·({N(k)}{Minus}1) + {N(op)} + 1 = {R(result)}";

    public static string Pool(long i, long k, long s, long p, long d, bool ceil, long? result, bool droppedLastWindow)
    {
        var body = $"({N(i)} + 2·{N(p)} {Minus} {N(d)}·({N(k)}{Minus}1) {Minus} 1) / {N(s)}";
        var text = ceil ? $"⌈{body}⌉ + 1" : $"⌊{body}⌋ + 1";
        if (droppedLastWindow)
        {
            text += $" {Minus} 1 (the last window would start at or beyond {N(i)} + {N(p)})";
        }

        return text + " = " + R(result);
    }

    public static string Unpool(long i, long k, long s, long p, long? result) =>
        $"({N(i)}{Minus}1)·{N(s)} {Minus} 2·{N(p)} + {N(k)} = {R(result)}";

    public static string Upsample(long i, double scale, long? result) =>
        $"⌊{N(i)}·{scale.ToString("R", CultureInfo.InvariantCulture)}⌋ = {R(result)}";

    public static string Same(long i, long k, long d) =>
        $"{N(i)} (Padding.Same pads {N(d)}·({N(k)}{Minus}1) = {R(d * (k - 1))} in total)";

    public static string Given(long size, string what) => $"{R(size)} ({what})";

    /// <summary>Formats a tuple the way C# code writes it: <c>(1, 0)</c>, or a scalar for one value.</summary>
    public static string Tuple(IEnumerable<long> values)
    {
        var list = values.ToList();
        return list.Count == 1 ? N(list[0]) : "(" + string.Join(", ", list.Select(N)) + ")";
    }

    /// <summary>A shape as <c>[2,256,24,32,24]</c>; −1 (any size, in [OutputShape]) stays −1.</summary>
    /// <summary>One value when every dimension has it (<c>3</c>), else the tuple (<c>(3, 1)</c>).</summary>
    public static string Compact(IEnumerable<long> values)
    {
        var list = values.ToList();
        return list.Distinct().Count() == 1 ? N(list[0]) : Tuple(list);
    }

    public static string Shape(IEnumerable<long> dims) => "[" + string.Join(",", dims.Select(R)) + "]";

    public static string Sizes(IEnumerable<long> dims) => string.Join(",", dims.Select(N));

    /// <summary>A number, negatives in parentheses with a real minus sign so formulas stay readable.</summary>
    public static string N(long value) => value < 0 ? $"({Minus}{(value == long.MinValue ? "9223372036854775808" : (-value).ToString(CultureInfo.InvariantCulture))})" : value.ToString(CultureInfo.InvariantCulture);

    private static string R(long result) => R((long?)result);

    private static string R(long? result) => result is long r
        ? (r < 0 ? Minus + (r == long.MinValue ? "9223372036854775808" : (-r).ToString(CultureInfo.InvariantCulture)) : r.ToString(CultureInfo.InvariantCulture))
        : "overflow";
}
