using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// One value per spatial dimension, each possibly unknown (<c>null</c>): a constant argument the
/// analyzer could not evaluate stays unknown and silences only the checks that need it.
/// </summary>
public readonly struct PerDim<T> : IEquatable<PerDim<T>>
    where T : struct, IEquatable<T>
{
    private readonly T?[]? _values;

    public PerDim(params T?[] values) => _values = values;

    public static PerDim<T> None => default;

    public static PerDim<T> Uniform(T? value, int rank)
    {
        var values = new T?[rank];
        for (var i = 0; i < rank; i++)
        {
            values[i] = value;
        }

        return new(values);
    }

    public static PerDim<T> Known(params T[] values) => new(values.Select(v => (T?)v).ToArray());

    /// <summary>True when the argument was given or defaulted (even if its values are unknown).</summary>
    public bool IsPresent => _values is not null;

    public int Count => _values?.Length ?? 0;

    public T? this[int index] => _values is not null && index < _values.Length ? _values[index] : null;

    public bool AllKnown => _values is not null && _values.All(v => v.HasValue);

    /// <summary>The values when every one is known, else null.</summary>
    public T[]? KnownValues => AllKnown ? _values!.Select(v => v!.Value).ToArray() : null;

    public bool IsUniform => _values is null || _values.Distinct().Count() <= 1;

    public bool Equals(PerDim<T> other)
    {
        if (_values is null || other._values is null)
        {
            return _values is null && other._values is null;
        }

        return _values.SequenceEqual(other._values);
    }

    public override bool Equals(object? obj) => obj is PerDim<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = 23;
        foreach (var value in _values ?? Array.Empty<T?>())
        {
            hash = unchecked((hash * 31) + value.GetHashCode());
        }

        return hash;
    }

    public override string ToString()
    {
        if (_values is null)
        {
            return "-";
        }

        var text = new StringBuilder();
        text.Append('(');
        for (var i = 0; i < _values.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(_values[i]?.ToString() ?? "?");
        }

        return text.Append(')').ToString();
    }

    public static bool operator ==(PerDim<T> left, PerDim<T> right) => left.Equals(right);

    public static bool operator !=(PerDim<T> left, PerDim<T> right) => !left.Equals(right);
}
