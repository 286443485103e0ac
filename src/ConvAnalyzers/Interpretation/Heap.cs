using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace ConvAnalyzers.Interpretation;

/// <summary>Something mutable that values refer to: an array or list, an object, a module, an enumerator.</summary>
internal abstract class HeapObject
{
    /// <summary>True when something the interpreter does not model may have changed it: its contents are unknown.</summary>
    public string? UnknownReason { get; init; }
}

/// <summary>An array, a <c>List&lt;T&gt;</c>, or a TorchSharp container's children (Sequential, ModuleList, ModuleDict).</summary>
internal sealed class SequenceObject : HeapObject
{
    public SequenceObject(ImmutableList<Value> items, bool isArray, ImmutableList<string>? names = null)
    {
        Items = items;
        IsArray = isArray;
        Names = names;
    }

    public ImmutableList<Value> Items { get; }

    public bool IsArray { get; }

    /// <summary>Names of the items when they have some (ModuleDict keys, named Sequential children).</summary>
    public ImmutableList<string>? Names { get; }

    public SequenceObject WithItems(ImmutableList<Value> items, ImmutableList<string>? names = null) =>
        new(items, IsArray, names ?? Names) { UnknownReason = UnknownReason };
}

/// <summary>An instance of a class of this compilation (a module, a block, an options object).</summary>
internal sealed class InstanceObject : HeapObject
{
    public InstanceObject(INamedTypeSymbol type, ImmutableDictionary<ISymbol, Value> fields, string creation, SyntaxNode? creationSyntax, ImmutableList<(string Name, Value Module)> registered)
    {
        Type = type;
        Fields = fields;
        Creation = creation;
        CreationSyntax = creationSyntax;
        Registered = registered;
    }

    public INamedTypeSymbol Type { get; }

    public ImmutableDictionary<ISymbol, Value> Fields { get; }

    /// <summary>How it was created, with the evaluated arguments: <c>BasicBlock(64, 128, 2)</c>.</summary>
    public string Creation { get; }

    public SyntaxNode? CreationSyntax { get; }

    /// <summary>Modules registered by name with <c>register_module</c>.</summary>
    public ImmutableList<(string Name, Value Module)> Registered { get; }

    public InstanceObject WithField(ISymbol field, Value value) => new(Type, Fields.SetItem(field, value), Creation, CreationSyntax, Registered) { UnknownReason = UnknownReason };

    public InstanceObject WithRegistered(string name, Value module) => new(Type, Fields, Creation, CreationSyntax, Registered.Add((name, module))) { UnknownReason = UnknownReason };
}

/// <summary>
/// A library object the binding models (a TorchSharp layer or container, a dispose scope). The binding owns
/// <see cref="Payload"/>; the interpreter only moves references to it.
/// </summary>
internal sealed class LibraryObject : HeapObject
{
    public LibraryObject(object payload) => Payload = payload;

    public object Payload { get; }
}

/// <summary>An enumerator over a sequence object, as <c>foreach</c> lowers to.</summary>
internal sealed class EnumeratorObject : HeapObject
{
    public EnumeratorObject(int source, int index)
    {
        Source = source;
        Index = index;
    }

    public int Source { get; }

    public int Index { get; }
}

/// <summary>
/// What holds at one program point: locals, flow captures, the heap, and the unfolded branch decisions that led
/// here (a finding is reported only where no such guard remains).
/// </summary>
internal sealed class State
{
    public ImmutableDictionary<ISymbol, Value> Locals { get; set; } = ImmutableDictionary.Create<ISymbol, Value>(SymbolEqualityComparer.Default);

    public ImmutableDictionary<CaptureId, Value> Captures { get; set; } = ImmutableDictionary<CaptureId, Value>.Empty;

    private HeapMap _heap = HeapMap.Empty;

    /// <summary>The owner token under which <see cref="Set"/> changes this state's own heap nodes in place; null once the heap was handed out.</summary>
    private object? _owner;

    /// <summary>The heap; whoever reads it may keep it, so later changes of this state copy what they touch.</summary>
    public HeapMap Heap
    {
        get
        {
            _owner = null;
            return _heap;
        }

        set
        {
            _heap = value;
            _owner = null;
        }
    }

    /// <summary>Branches taken on conditions the interpreter could not decide: (block ordinal, arm).</summary>
    public ImmutableList<(int Block, bool Arm)> Guards { get; set; } = ImmutableList<(int, bool)>.Empty;

    public State Clone() => new() { Locals = Locals, Captures = Captures, Heap = Heap, Guards = Guards };

    public HeapObject? Get(Value? value) => value is RefValue r && _heap.TryGetValue(r.Id, out var o) ? o : null;

    /// <summary>The object with this id, read without handing the heap out.</summary>
    public bool TryGet(int id, out HeapObject obj) => _heap.TryGetValue(id, out obj);

    public T? Get<T>(Value? value)
        where T : HeapObject => Get(value) as T;

    public void Set(int id, HeapObject obj) => _heap = _heap.SetItem(id, obj, _owner ??= new object());

    /// <summary>
    /// Takes over the heap of a state that is not used again (a callee's exit), with the right to go on changing the
    /// nodes it made in place: a call's writes are not copied again by the caller's next write.
    /// </summary>
    public void TakeHeap(State finished)
    {
        _heap = finished._heap;
        _owner = finished._owner;
        finished._owner = null;
    }

    /// <summary>True when the heap is this very value (nothing was written since it was read), without handing the heap out.</summary>
    public bool HeapIs(HeapMap heap) => ReferenceEquals(_heap, heap);

    /// <summary>Joins states reaching one block: a value that differs between them becomes unknown.</summary>
    /// <param name="because">Why the paths differ, worded to follow "a value that": the undecided branch that separated them.</param>
    public static State Join(IReadOnlyList<State> states, string? because = null)
    {
        var reason = "a value that " + (because ?? "differs between the branches that reach here");
        if (states.Count == 1)
        {
            return states[0];
        }

        var first = states[0];
        var result = first.Clone();
        for (var s = 1; s < states.Count; s++)
        {
            var other = states[s];
            result.Locals = JoinMaps(result.Locals, other.Locals, (a, b) => Values.Join(a, b, reason));
            result.Captures = JoinMaps(result.Captures, other.Captures, (a, b) => Values.Join(a, b, reason));
            result.Heap = HeapMap.Join(result.Heap, other.Heap, (a, b) => JoinObjects(a, b, because));
            result.Guards = result.Guards.Where(g => other.Guards.Contains(g)).ToImmutableList();
        }

        return result;
    }

    /// <summary>True when both states hold the same values (a loop reached its fixpoint).</summary>
    public bool SameAs(State other) =>
        SameMaps(Locals, other.Locals, static (a, b) => a.SameAs(b))
        && SameMaps(Captures, other.Captures, static (a, b) => a.SameAs(b))
        && HeapMap.Same(Heap, other.Heap, static (a, b) => ReferenceEquals(a, b) || SameObject(a, b));

    private static bool SameObject(HeapObject a, HeapObject b) => (a, b) switch
    {
        (SequenceObject x, SequenceObject y) => x.UnknownReason is null == y.UnknownReason is null && x.Items.Count == y.Items.Count && x.Items.Zip(y.Items, (p, q) => p.SameAs(q)).All(t => t),
        (InstanceObject x, InstanceObject y) => x.UnknownReason is null == y.UnknownReason is null && SameMaps(x.Fields, y.Fields, static (p, q) => p.SameAs(q)) && x.Registered.Count == y.Registered.Count,
        (EnumeratorObject x, EnumeratorObject y) => x.Source == y.Source && x.Index == y.Index,
        (LibraryObject x, LibraryObject y) => ReferenceEquals(x.Payload, y.Payload),
        _ => false,
    };

    private static HeapObject JoinObjects(HeapObject a, HeapObject b, string? because)
    {
        if (ReferenceEquals(a, b) || SameObject(a, b))
        {
            return a;
        }

        var reason = because is null ? "changed differently on the branches that reach here" : "that " + because;
        return (a, b) switch
        {
            (SequenceObject x, SequenceObject y) when x.Items.Count == y.Items.Count && x.UnknownReason is null && y.UnknownReason is null =>
                x.WithItems(x.Items.Zip(y.Items, (p, q) => Values.Join(p, q, "an element " + reason)).ToImmutableList()),
            (SequenceObject x, SequenceObject y) => new SequenceObject(ImmutableList<Value>.Empty, x.IsArray) { UnknownReason = x.UnknownReason ?? y.UnknownReason ?? "a list " + reason },
            (InstanceObject x, InstanceObject y) when SymbolEqualityComparer.Default.Equals(x.Type, y.Type) =>
                new InstanceObject(x.Type, JoinMaps(x.Fields, y.Fields, (p, q) => Values.Join(p, q, "a field " + reason)), x.Creation, x.CreationSyntax, x.Registered.Count == y.Registered.Count ? x.Registered : ImmutableList<(string, Value)>.Empty)
                {
                    UnknownReason = x.UnknownReason ?? y.UnknownReason ?? (x.Registered.Count == y.Registered.Count ? null : "modules registered differently on different branches"),
                },
            (EnumeratorObject x, _) => new EnumeratorObject(x.Source, -1) { UnknownReason = reason },
            _ => new LibraryObject(new object()) { UnknownReason = reason },
        };
    }

    private static ImmutableDictionary<TKey, TValue> JoinMaps<TKey, TValue>(ImmutableDictionary<TKey, TValue> a, ImmutableDictionary<TKey, TValue> b, System.Func<TValue, TValue, TValue> join)
        where TKey : notnull
    {
        if (ReferenceEquals(a, b))
        {
            return a;
        }

        var result = a;
        foreach (var entry in a)
        {
            if (!b.TryGetValue(entry.Key, out var other))
            {
                // Defined on one path only: not definitely assigned, so C# cannot read it after the join.
                continue;
            }

            var joined = join(entry.Value, other);
            if (!ReferenceEquals(joined, entry.Value))
            {
                result = result.SetItem(entry.Key, joined);
            }
        }

        foreach (var entry in b)
        {
            if (!a.ContainsKey(entry.Key))
            {
                result = result.SetItem(entry.Key, entry.Value);
            }
        }

        return result;
    }

    private static bool SameMaps<TKey, TValue>(ImmutableDictionary<TKey, TValue> a, ImmutableDictionary<TKey, TValue> b, System.Func<TValue, TValue, bool> same)
        where TKey : notnull
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var entry in a)
        {
            if (!b.TryGetValue(entry.Key, out var other) || !same(entry.Value, other))
            {
                return false;
            }
        }

        return true;
    }
}
