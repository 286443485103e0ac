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
    private Dim(long value, string? symbol, bool known)
    {
        Value = value;
        Symbol = symbol;
        IsKnown = known;
    }

    public static Dim Unknown => default;

    public static Dim Of(long value) => new(value, null, true);

    public static Dim Named(string symbol) => new(0, symbol, false);

    /// <summary>True when the size is a number.</summary>
    public bool IsKnown { get; }

    /// <summary>The size, when <see cref="IsKnown"/>.</summary>
    public long Value { get; }

    /// <summary>The symbol's name (<c>N</c>), when the size is a symbol.</summary>
    public string? Symbol { get; }

    public bool IsSymbol => Symbol is not null;

    public bool IsUnknown => !IsKnown && Symbol is null;

    /// <summary>The size when known, else null.</summary>
    public long? Known => IsKnown ? Value : null;

    /// <summary>True when both are the same number or the same symbol (unknown equals nothing, not even itself).</summary>
    public bool SameAs(Dim other) => (IsKnown && other.IsKnown && Value == other.Value) || (IsSymbol && Symbol == other.Symbol);

    public bool Equals(Dim other) => IsKnown == other.IsKnown && Value == other.Value && Symbol == other.Symbol;

    public override bool Equals(object? obj) => obj is Dim other && Equals(other);

    public override int GetHashCode() => IsKnown ? Value.GetHashCode() : Symbol?.GetHashCode() ?? -1;

    /// <summary>How messages write it: the number, the symbol, or <c>?</c>.</summary>
    public override string ToString() => IsKnown ? Value.ToString(CultureInfo.InvariantCulture) : Symbol ?? "?";

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
}
