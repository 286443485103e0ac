using System;
using System.Collections.Generic;
using System.Linq;

namespace ConvAnalyzers.Model;

/// <summary>The full shape of a tensor as libtorch sees it, batch dimension included when present.</summary>
public sealed record TensorShape(EquatableArray<long> Dims)
{
    public TensorShape(params long[] dims)
        : this(EquatableArray.Create(dims))
    {
    }

    /// <summary>A shape over <paramref name="dims"/> itself, not a copy: the caller hands the array over and never writes it again.</summary>
    internal static TensorShape Own(long[] dims) => new(new EquatableArray<long>(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(dims)));

    public int Rank => Dims.Count;

    /// <summary>A writable copy of the dimensions, element by element (Array.Clone was a tenth of a sweep's samples).</summary>
    internal long[] CopyOfDims()
    {
        var dims = new long[Dims.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = Dims[i];
        }

        return dims;
    }

    public long this[int index] => Dims[index];

    /// <summary>The last <paramref name="spatialRank"/> dimensions.</summary>
    public long[] Spatial(int spatialRank)
    {
        var spatial = new long[Math.Max(0, Math.Min(spatialRank, Rank))];
        for (var i = 0; i < spatial.Length; i++)
        {
            spatial[i] = Dims[Rank - spatial.Length + i];
        }

        return spatial;
    }

    /// <summary>A copy with the last dimensions replaced by <paramref name="spatial"/> and the channel dimension set.</summary>
    public TensorShape WithChannelsAndSpatial(long channels, IReadOnlyList<long> spatial)
    {
        var dims = CopyOfDims();
        var channelIndex = dims.Length - spatial.Count - 1;
        dims[channelIndex] = channels;
        for (var i = 0; i < spatial.Count; i++)
        {
            dims[channelIndex + 1 + i] = spatial[i];
        }

        return Own(dims);
    }

    /// <summary>A copy with the last dimensions replaced by <paramref name="spatial"/>.</summary>
    public TensorShape WithSpatial(IReadOnlyList<long> spatial)
    {
        var dims = CopyOfDims();
        for (var i = 0; i < spatial.Count; i++)
        {
            dims[dims.Length - spatial.Count + i] = spatial[i];
        }

        return Own(dims);
    }

    public override string ToString() => "[" + string.Join(", ", Dims) + "]";

    public static string Format(IEnumerable<long> dims) => string.Join("×", dims);

    public bool Equals(TensorShape? other) => other is not null && Dims.Equals(other.Dims);

    public override int GetHashCode() => Dims.GetHashCode();
}
