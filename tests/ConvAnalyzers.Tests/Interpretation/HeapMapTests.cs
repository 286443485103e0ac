using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ConvAnalyzers.Interpretation;
using CsCheck;
using Xunit;

namespace ConvAnalyzers.Tests.Interpretation;

/// <summary>
/// The interpreter's persistent heap against a plain immutable dictionary as the model: look-ups, updates, the
/// join of two states that branched from one, the fixpoint comparison and the changed objects a loop widens, on
/// random histories (ids dense from 1 as the interpreter allocates them, and sparse ones up to int.MaxValue).
/// </summary>
public sealed class HeapMapTests
{
    private sealed class Obj : HeapObject
    {
        public Obj(int tag) => Tag = tag;

        public int Tag { get; }
    }

    /// <summary>A step of a history: write object <c>Tag</c> at <c>Key</c>.</summary>
    private static readonly Gen<(int Key, int Tag)> DenseWrite = Gen.Select(Gen.Int[1, 3000], Gen.Int[0, 5]);

    private static readonly Gen<(int Key, int Tag)> SparseWrite = Gen.Select(Gen.OneOf(Gen.Int[1, 3000], Gen.Int[0, int.MaxValue]), Gen.Int[0, 5]);

    private static (HeapMap Heap, ImmutableDictionary<int, HeapObject> Model) Apply(HeapMap heap, ImmutableDictionary<int, HeapObject> model, IEnumerable<(int Key, int Tag)> writes)
    {
        foreach (var (key, tag) in writes)
        {
            var obj = new Obj(tag);
            heap = heap.SetItem(key, obj);
            model = model.SetItem(key, obj);
        }

        return (heap, model);
    }

    private static void AssertEqual(ImmutableDictionary<int, HeapObject> model, HeapMap heap)
    {
        Assert.Equal(model.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), heap.Select(e => (e.Key, e.Value)));
        foreach (var (key, value) in model)
        {
            Assert.True(heap.TryGetValue(key, out var found));
            Assert.Same(value, found);
        }
    }

    [Fact]
    public void Lookups_and_updates_agree_with_a_dictionary()
    {
        Gen.Select(DenseWrite.Array[0, 200], SparseWrite.Array[0, 20], Gen.Int[0, int.MaxValue]).Sample((dense, sparse, probe) =>
        {
            var (heap, model) = Apply(HeapMap.Empty, ImmutableDictionary<int, HeapObject>.Empty, dense.Concat(sparse));
            AssertEqual(model, heap);
            Assert.Equal(model.ContainsKey(probe), heap.ContainsKey(probe));
            Assert.False(heap.ContainsKey(-1));
        }, iter: 300);
    }

    [Fact]
    public void Join_of_two_branches_is_the_union_with_differing_objects_joined()
    {
        Gen.Select(DenseWrite.Array[0, 300], SparseWrite.Array[0, 30], SparseWrite.Array[0, 30]).Sample((common, left, right) =>
        {
            var (start, startModel) = Apply(HeapMap.Empty, ImmutableDictionary<int, HeapObject>.Empty, common);
            var (a, aModel) = Apply(start, startModel, left);
            var (b, bModel) = Apply(start, startModel, right);

            var joins = 0;
            var joined = HeapMap.Join(a, b, (x, y) =>
            {
                joins++;
                return new Obj(((Obj)x).Tag * 10 + ((Obj)y).Tag);
            });

            // The model: every id of either side; where both hold different objects, the joined one.
            var expected = new Dictionary<int, int>();
            foreach (var key in aModel.Keys.Union(bModel.Keys))
            {
                var inA = aModel.TryGetValue(key, out var x);
                var inB = bModel.TryGetValue(key, out var y);
                expected[key] = inA && inB && !ReferenceEquals(x, y) ? ((Obj)x!).Tag * 10 + ((Obj)y!).Tag : ((Obj)(inA ? x! : y!)).Tag;
            }

            Assert.Equal(expected.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), joined.Select(e => (e.Key, ((Obj)e.Value).Tag)));

            // Shared objects are never offered to the join: only those both sides changed differently.
            Assert.Equal(aModel.Count(e => bModel.TryGetValue(e.Key, out var other) && !ReferenceEquals(other, e.Value)), joins);
        }, iter: 300);
    }

    [Fact]
    public void Same_holds_exactly_when_both_hold_the_same_ids_with_equal_objects()
    {
        Gen.Select(DenseWrite.Array[0, 300], SparseWrite.Array[0, 10], SparseWrite.Array[0, 10]).Sample((common, left, right) =>
        {
            var (start, startModel) = Apply(HeapMap.Empty, ImmutableDictionary<int, HeapObject>.Empty, common);
            var (a, aModel) = Apply(start, startModel, left);
            var (b, bModel) = Apply(start, startModel, right);
            static bool SameTag(HeapObject x, HeapObject y) => ((Obj)x).Tag == ((Obj)y).Tag;

            var expected = aModel.Count == bModel.Count && aModel.All(e => bModel.TryGetValue(e.Key, out var other) && SameTag(e.Value, other));
            Assert.Equal(expected, HeapMap.Same(a, b, SameTag));
            Assert.True(HeapMap.Same(a, a, static (_, _) => false));
        }, iter: 300);
    }

    [Fact]
    public void Changed_lists_the_ids_both_hold_as_different_objects()
    {
        Gen.Select(DenseWrite.Array[0, 300], SparseWrite.Array[0, 30]).Sample((common, later) =>
        {
            var (before, beforeModel) = Apply(HeapMap.Empty, ImmutableDictionary<int, HeapObject>.Empty, common);
            var (after, afterModel) = Apply(before, beforeModel, later);

            var expected = afterModel.Where(e => beforeModel.TryGetValue(e.Key, out var old) && !ReferenceEquals(old, e.Value)).OrderBy(e => e.Key).Select(e => (e.Key, e.Value));
            Assert.Equal(expected, HeapMap.Changed(before, after).Select(c => (c.Id, c.After)));
        }, iter: 300);
    }

    [Fact]
    public void Joining_heaps_that_share_everything_allocates_nothing()
    {
        var (heap, _) = Apply(HeapMap.Empty, ImmutableDictionary<int, HeapObject>.Empty, Enumerable.Range(1, 5000).Select(i => (i, i % 3)));
        var changed = heap.SetItem(4321, new Obj(9));
        Assert.Same(heap, HeapMap.Join(heap, heap, (_, _) => throw new System.InvalidOperationException("shared objects are not joined")));

        // Only the one object that differs is joined; the result keeps the left side's nodes where the join chose its object.
        var joined = HeapMap.Join(heap, changed, (x, _) => x);
        Assert.Same(heap, joined);
    }

    /// <summary>
    /// A state changes the heap nodes it made itself in place; every heap it handed out before (read through
    /// <see cref="State.Heap"/>, a clone, a join's input) keeps exactly what it held then, whatever the state writes later.
    /// </summary>
    [Fact]
    public void Heaps_handed_out_never_change_when_their_state_writes_in_place()
    {
        // Each step: write (key, tag) into one of two states, then maybe hand its heap out or clone it into the other.
        var step = Gen.Select(DenseWrite, Gen.Int[0, 1], Gen.Int[0, 3]);
        Gen.Select(step.Array[1, 300], SparseWrite.Array[0, 5]).Sample((steps, sparse) =>
        {
            var states = new[] { new State(), new State() };
            var models = new[] { ImmutableDictionary<int, HeapObject>.Empty, ImmutableDictionary<int, HeapObject>.Empty };
            var handedOut = new List<(HeapMap Heap, ImmutableDictionary<int, HeapObject> Model)>();
            foreach (var ((key, tag), which, action) in steps.Concat(sparse.Select(w => (w, 0, 0))))
            {
                var obj = new Obj(tag);
                states[which].Set(key, obj);
                models[which] = models[which].SetItem(key, obj);
                switch (action)
                {
                    case 1:
                        handedOut.Add((states[which].Heap, models[which]));
                        break;
                    case 2:
                        states[1 - which] = states[which].Clone();
                        models[1 - which] = models[which];
                        break;
                }

                Assert.True(states[which].TryGet(key, out var found));
                Assert.Same(obj, found);
            }

            for (var i = 0; i < 2; i++)
            {
                AssertEqual(models[i], states[i].Heap);
            }

            foreach (var (heap, model) in handedOut)
            {
                AssertEqual(model, heap);
            }
        }, iter: 200);
    }
}
