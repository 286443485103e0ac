using System.Collections.Immutable;

namespace ConvAnalyzers.Extraction;

/// <summary>A value known at compile time: a number, a bool, null, or a tuple/array of such values.</summary>
internal sealed class ConstValue
{
    public static readonly ConstValue Null = new(ConstKind.Null, 0, 0, false, ImmutableArray<ConstValue?>.Empty);

    private ConstValue(ConstKind kind, long integer, double real, bool boolean, ImmutableArray<ConstValue?> items)
    {
        Kind = kind;
        Integer = integer;
        Real = real;
        Boolean = boolean;
        Items = items;
    }

    public ConstKind Kind { get; }

    public long Integer { get; }

    public double Real { get; }

    public bool Boolean { get; }

    /// <summary>The elements of a tuple or array; an element the evaluator could not know is null.</summary>
    public ImmutableArray<ConstValue?> Items { get; }

    public static ConstValue OfInteger(long value) => new(ConstKind.Integer, value, value, false, ImmutableArray<ConstValue?>.Empty);

    public static ConstValue OfReal(double value) => new(ConstKind.Real, 0, value, false, ImmutableArray<ConstValue?>.Empty);

    public static ConstValue OfBoolean(bool value) => new(ConstKind.Boolean, 0, 0, value, ImmutableArray<ConstValue?>.Empty);

    public static ConstValue OfSequence(ImmutableArray<ConstValue?> items) => new(ConstKind.Sequence, 0, 0, false, items);
}

internal enum ConstKind
{
    Null,
    Integer,
    Real,
    Boolean,
    Sequence,
}
