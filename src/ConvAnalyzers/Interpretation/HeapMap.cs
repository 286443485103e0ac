using System.Collections;
using System.Collections.Generic;

namespace ConvAnalyzers.Interpretation;

/// <summary>
/// The heap of one program point: a persistent 32-way trie over the interpreter's object ids (dense, from 1). An
/// update copies one path and shares the rest, so the states of two branches share every node neither changed, and
/// joining or comparing them visits only the nodes that differ (the whole-heap walk a hash map needs at every join
/// point was most of the interpreter's time).
/// </summary>
internal sealed class HeapMap : IEnumerable<KeyValuePair<int, HeapObject>>
{
    private const int Bits = 5;
    private const int Width = 1 << Bits;
    private const int Mask = Width - 1;

    /// <summary>
    /// Nodes are <c>object?[Width + 1]</c>: at shift 0 their first <see cref="Width"/> slots hold heap objects, above it
    /// child nodes; the last slot holds the owner that may still change the node in place (see <see cref="SetItem(int, HeapObject, object)"/>), or null.
    /// </summary>
    private readonly object?[]? _root;

    /// <summary>The bit shift of the root's index: 0 when the root is a leaf.</summary>
    private readonly int _shift;

    private HeapMap(object?[]? root, int shift)
    {
        _root = root;
        _shift = shift;
    }

    public static HeapMap Empty { get; } = new(null, 0);

    public bool TryGetValue(int key, out HeapObject value)
    {
        value = null!;
        if (key < 0 || _root is null || (key >> _shift >> Bits) != 0)
        {
            return false;
        }

        var node = _root;
        for (var shift = _shift; shift > 0; shift -= Bits)
        {
            if (node[(key >> shift) & Mask] is not object?[] child)
            {
                return false;
            }

            node = child;
        }

        if (node[key & Mask] is HeapObject found)
        {
            value = found;
            return true;
        }

        return false;
    }

    public bool ContainsKey(int key) => TryGetValue(key, out _);

    public HeapMap SetItem(int key, HeapObject value) => SetItem(key, value, null);

    /// <summary>
    /// The heap with <paramref name="key"/> set. Nodes that <paramref name="owner"/> made since are changed in place,
    /// the others copied (and then owned by it): the caller guarantees that no other heap value shares the nodes
    /// <paramref name="owner"/> owns (State hands its heap out only after giving up its owner). A null owner copies.
    /// </summary>
    public HeapMap SetItem(int key, HeapObject value, object? owner)
    {
        if (key < 0)
        {
            throw new System.ArgumentOutOfRangeException(nameof(key));
        }

        var root = _root ?? NewNode(owner);
        var shift = _shift;
        while ((key >> shift >> Bits) != 0)
        {
            var grown = NewNode(owner);
            grown[0] = root;
            root = grown;
            shift += Bits;
        }

        var updated = Set(root, shift, key, value, owner);
        return ReferenceEquals(updated, _root) && shift == _shift ? this : new HeapMap(updated, shift);
    }

    private static object?[] Set(object?[]? node, int shift, int key, HeapObject value, object? owner)
    {
        var target = node is null ? NewNode(owner) : owner is not null && ReferenceEquals(node[Width], owner) ? node : Copy(node, owner);
        var slot = (key >> shift) & Mask;
        target[slot] = shift == 0 ? value : Set(target[slot] as object?[], shift - Bits, key, value, owner);
        return target;
    }

    private static object?[] NewNode(object? owner = null)
    {
        var node = new object?[Width + 1];
        node[Width] = owner;
        return node;
    }

    private static object?[] Copy(object?[] node, object? owner)
    {
        var copy = (object?[])node.Clone();
        copy[Width] = owner;
        return copy;
    }

    /// <summary>Both roots at the same height (the lower one wrapped: its nodes stay shared).</summary>
    private static (object?[]? A, object?[]? B, int Shift) Aligned(HeapMap a, HeapMap b)
    {
        var (x, y) = (a._root, b._root);
        var shift = System.Math.Max(a._shift, b._shift);
        for (var s = a._shift; x is not null && s < shift; s += Bits)
        {
            var grown = NewNode();
            grown[0] = x;
            x = grown;
        }

        for (var s = b._shift; y is not null && s < shift; s += Bits)
        {
            var grown = NewNode();
            grown[0] = y;
            y = grown;
        }

        return (x, y, shift);
    }

    /// <summary>
    /// The union of both heaps; an object both hold, and that differs between them, is <paramref name="join"/> of the two.
    /// Subtrees the two share are taken as they are.
    /// </summary>
    public static HeapMap Join(HeapMap a, HeapMap b, System.Func<HeapObject, HeapObject, HeapObject> join)
    {
        if (ReferenceEquals(a._root, b._root))
        {
            return a;
        }

        var (x, y, shift) = Aligned(a, b);
        var joined = JoinNodes(x, y, shift, join);
        return ReferenceEquals(joined, a._root) ? a : ReferenceEquals(joined, b._root) ? b : new HeapMap(joined, shift);
    }

    private static object?[]? JoinNodes(object?[]? x, object?[]? y, int shift, System.Func<HeapObject, HeapObject, HeapObject> join)
    {
        if (ReferenceEquals(x, y) || y is null)
        {
            return x;
        }

        if (x is null)
        {
            return y;
        }

        object?[]? result = null;
        for (var i = 0; i < Width; i++)
        {
            var (p, q) = (x[i], y[i]);
            if (ReferenceEquals(p, q) || q is null)
            {
                continue;
            }

            object? merged = p is null ? q
                : shift == 0 ? join((HeapObject)p, (HeapObject)q)
                : JoinNodes((object?[])p, (object?[])q, shift - Bits, join);
            if (!ReferenceEquals(merged, p))
            {
                result ??= Copy(x, null);
                result[i] = merged;
            }
        }

        return result ?? x;
    }

    /// <summary>True when both heaps hold the same ids and <paramref name="same"/> holds for each pair that is not shared.</summary>
    public static bool Same(HeapMap a, HeapMap b, System.Func<HeapObject, HeapObject, bool> same)
    {
        if (ReferenceEquals(a._root, b._root))
        {
            return true;
        }

        var (x, y, shift) = Aligned(a, b);
        return SameNodes(x, y, shift, same);
    }

    private static bool SameNodes(object?[]? x, object?[]? y, int shift, System.Func<HeapObject, HeapObject, bool> same)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return IsEmpty(x) && IsEmpty(y);
        }

        for (var i = 0; i < Width; i++)
        {
            var (p, q) = (x[i], y[i]);
            if (ReferenceEquals(p, q))
            {
                continue;
            }

            if (shift == 0 ? p is null || q is null || !same((HeapObject)p, (HeapObject)q) : !SameNodes(p as object?[], q as object?[], shift - Bits, same))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEmpty(object?[]? node)
    {
        if (node is null)
        {
            return true;
        }

        for (var i = 0; i < Width; i++)
        {
            if (node[i] is object?[] child ? !IsEmpty(child) : node[i] is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The objects of <paramref name="after"/> that <paramref name="before"/> holds too, as another object: (id, object in <paramref name="after"/>).</summary>
    public static List<(int Id, HeapObject After)> Changed(HeapMap before, HeapMap after)
    {
        var changed = new List<(int, HeapObject)>();
        if (!ReferenceEquals(before._root, after._root))
        {
            var (x, y, shift) = Aligned(before, after);
            Changed(x, y, shift, 0, changed);
        }

        return changed;
    }

    private static void Changed(object?[]? before, object?[]? after, int shift, int prefix, List<(int, HeapObject)> changed)
    {
        if (ReferenceEquals(before, after) || before is null || after is null)
        {
            return;
        }

        for (var i = 0; i < Width; i++)
        {
            var (p, q) = (before[i], after[i]);
            if (ReferenceEquals(p, q) || p is null || q is null)
            {
                continue;
            }

            var key = prefix | (i << shift);
            if (shift == 0)
            {
                changed.Add((key, (HeapObject)q));
            }
            else
            {
                Changed((object?[])p, (object?[])q, shift - Bits, key, changed);
            }
        }
    }

    /// <summary>Every object, in id order.</summary>
    public IEnumerator<KeyValuePair<int, HeapObject>> GetEnumerator()
    {
        var entries = new List<KeyValuePair<int, HeapObject>>();
        Collect(_root, _shift, 0, entries);
        return entries.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static void Collect(object?[]? node, int shift, int prefix, List<KeyValuePair<int, HeapObject>> entries)
    {
        if (node is null)
        {
            return;
        }

        for (var i = 0; i < Width; i++)
        {
            var key = prefix | (i << shift);
            if (shift == 0)
            {
                if (node[i] is HeapObject obj)
                {
                    entries.Add(new KeyValuePair<int, HeapObject>(key, obj));
                }
            }
            else
            {
                Collect(node[i] as object?[], shift - Bits, key, entries);
            }
        }
    }
}
