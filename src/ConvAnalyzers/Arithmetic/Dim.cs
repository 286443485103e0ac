using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// One dimension of a tensor shape as the interpreter knows it: a known size, a symbol (a size read from the
/// input that is the same wherever it flows, such as the batch <c>N</c>), or unknown. Rules that need a value
/// stay silent on a symbol or an unknown; rules that only move a dimension carry it along.
/// </summary>
public readonly struct Dim : IEquatable<Dim>
{
    private readonly long _value;

    /// <summary>How the size follows from a free input size, while a <see cref="SizeTrace"/> records one (else null).</summary>
    private readonly SizeNode? _node;

    private Dim(long value, string? symbol, bool known, SizeNode? node = null)
    {
        _value = value;
        Symbol = symbol;
        IsKnown = known;
        _node = node;
    }

    public static Dim Unknown => default;

    public static Dim Of(long value) => new(value, null, true);

    public static Dim Named(string symbol) => new(0, symbol, false);

    /// <summary>A known size that a recording <see cref="SizeTrace"/> follows as a function of the free size.</summary>
    internal static Dim Traced(long value, SizeNode node) => new(value, null, true, node);

    /// <summary>True when the size is a number.</summary>
    public bool IsKnown { get; }

    /// <summary>The size, when <see cref="IsKnown"/>. Reading a traced size this way ends its trace's replay (the reader's use is not recorded).</summary>
    public long Value
    {
        get
        {
            if (_node is not null)
            {
                SizeTrace.Untraced(_node);
            }

            return _value;
        }
    }

    /// <summary>The node of a traced size, else null.</summary>
    internal SizeNode? Node => _node;

    /// <summary>The size without recording a read: only for code that records what it does with it in the trace.</summary>
    internal long Peek => _value;

    /// <summary>The symbol's name (<c>N</c>), when the size is a symbol.</summary>
    public string? Symbol { get; }

    public bool IsSymbol => Symbol is not null;

    public bool IsUnknown => !IsKnown && Symbol is null;

    /// <summary>The size when known, else null.</summary>
    public long? Known => IsKnown ? Value : null;

    /// <summary>True when both are the same number or the same symbol (unknown equals nothing, not even itself).</summary>
    public bool SameAs(Dim other) => (IsKnown && other.IsKnown && Equals(other)) || (IsSymbol && Symbol == other.Symbol);

    /// <summary>Equal sizes, symbols or unknowns; with a traced size, the comparison is recorded as a guard of the trace.</summary>
    public bool Equals(Dim other)
    {
        if (IsKnown != other.IsKnown || Symbol != other.Symbol)
        {
            return false;
        }

        return (_node is null && other._node is null) || ReferenceEquals(_node, other._node) ? _value == other._value : SizeTrace.Same(this, other);
    }

    public override bool Equals(object? obj) => obj is Dim other && Equals(other);

    public override int GetHashCode() => IsKnown ? Value.GetHashCode() : Symbol?.GetHashCode() ?? -1;

    /// <summary>How messages write it: the number, the symbol, or <c>?</c> (text decides nothing, so a traced size is not a read).</summary>
    public override string ToString() => IsKnown ? _value.ToString(CultureInfo.InvariantCulture) : Symbol ?? "?";

    public static implicit operator Dim(long value) => Of(value);

    /// <summary><c>[2,N,?,16]</c>.</summary>
    public static string Format(IEnumerable<Dim> dims) => "[" + string.Join(",", dims.Select(d => d.ToString())) + "]";

    /// <summary>Every dimension known.</summary>
    public static long[]? AllKnown(IReadOnlyList<Dim> dims)
    {
        var values = new long[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            if (!dims[i].IsKnown)
            {
                return null;
            }

            values[i] = dims[i].Value;
        }

        return values;
    }

    public static Dim[] From(IEnumerable<long> dims) => dims.Select(Of).ToArray();

    /// <summary>A layer's output shape as dims (every layer application makes one: no enumerator).</summary>
    public static Dim[] From(Model.EquatableArray<long> dims)
    {
        var result = new Dim[dims.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Of(dims[i]);
        }

        return result;
    }
}
