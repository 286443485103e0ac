namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// 64-bit arithmetic that reports overflow as <c>null</c> instead of throwing or wrapping, so that
/// absurd constants (long.MaxValue kernels, huge strides) give a clear "too large" result.
/// </summary>
internal static class CheckedMath
{
    public static long? Add(long? a, long? b)
    {
        if (a is not long x || b is not long y)
        {
            return null;
        }

        var sum = unchecked(x + y);
        return ((x ^ sum) & (y ^ sum)) < 0 ? null : sum;
    }

    public static long? Sub(long? a, long? b) => b is long y && y == long.MinValue ? null : Add(a, -b);

    public static long? Mul(long? a, long? b)
    {
        if (a is not long x || b is not long y)
        {
            return null;
        }

        if (x == 0 || y == 0)
        {
            return 0;
        }

        if ((x == -1 && y == long.MinValue) || (y == -1 && x == long.MinValue))
        {
            return null;
        }

        var product = unchecked(x * y);
        return product / y != x ? null : product;
    }

    /// <summary>Floor division (Python's <c>//</c>, libtorch's <c>div_rtn</c>), not C#'s truncation.</summary>
    public static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    /// <summary>The non-negative remainder of floor division.</summary>
    public static long FloorMod(long a, long b) => a - (FloorDiv(a, b) * b);
}
