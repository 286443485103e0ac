using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Interpretation;

/// <summary>
/// The few .NET library members network-building code uses: arrays, <c>List&lt;T&gt;</c>, enumerators (what
/// <c>foreach</c> lowers to), <c>Math</c>, a little LINQ. Anything else is not modelled.
/// </summary>
internal static class Bcl
{
    public static Value? Construct(Interpreter interpreter, State state, INamedTypeSymbol type, Value[] arguments, IOperation operation)
    {
        if (IsList(type))
        {
            // new List<T>() or new List<T>(capacity); new List<T>(other) copies.
            var items = arguments.Length == 1 && state.Get<SequenceObject>(arguments[0]) is { } source ? source.Items : ImmutableList<Value>.Empty;
            var unknown = arguments.Length == 1 && arguments[0] is not NumberValue && state.Get<SequenceObject>(arguments[0]) is not { UnknownReason: null } ? "a list copied from something the interpreter does not know" : null;
            return interpreter.New(state, new SequenceObject(items, isArray: false) { UnknownReason = unknown }, operation.Syntax);
        }

        return null;
    }

    public static Value? Property(Interpreter interpreter, State state, IPropertySymbol property, Value? receiver, Value[] arguments, IOperation operation)
    {
        if (state.Get(receiver) is EnumeratorObject enumerator && property.Name == "Current")
        {
            return state.TryGet(enumerator.Source, out var source) && source is SequenceObject s && enumerator.Index >= 0 && enumerator.Index < s.Items.Count && s.UnknownReason is null
                ? s.Items[enumerator.Index]
                : Interpreter.Unknown(property.Type, enumerator.UnknownReason ?? "an element of a sequence the interpreter does not know");
        }

        if (state.Get<SequenceObject>(receiver) is not { } sequence || !IsSequenceType(property.ContainingType))
        {
            return null;
        }

        switch (property.Name)
        {
            case "Length" or "Count" or "LongLength":
                return sequence.UnknownReason is null ? Values.Number(sequence.Items.Count, operation.Syntax) : new UnknownValue(sequence.UnknownReason);
            case "this[]" when arguments.Length == 1:
                return interpreter.ElementAt(receiver!, arguments[0].AsLong(), state, property.Type, operation.Syntax);
            default:
                return null;
        }
    }

    public static Value? Invoke(Interpreter interpreter, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation)
    {
        var type = method.ContainingType;
        if (type is null)
        {
            return null;
        }

        if (Is(type, "Math", InSystem) && arguments.Length is 1 or 2)
        {
            return MathCall(method.Name, arguments, operation);
        }

        if (state.Get(receiver) is EnumeratorObject enumerator)
        {
            switch (method.Name)
            {
                case "MoveNext":
                    var id = ((RefValue)receiver!).Id;
                    if (enumerator.UnknownReason is not null || !state.TryGet(enumerator.Source, out var source) || source is not SequenceObject { UnknownReason: null } sequence)
                    {
                        return new UnknownValue(enumerator.UnknownReason ?? (state.TryGet(enumerator.Source, out var s) ? s.UnknownReason : null) ?? "iterating something the interpreter does not know");
                    }

                    state.Set(id, new EnumeratorObject(enumerator.Source, enumerator.Index + 1));
                    return new ConstantValue(enumerator.Index + 1 < sequence.Items.Count);
                case "Dispose" or "Reset":
                    return UnknownValue.Plain;
            }
        }

        if (method.Name == "GetEnumerator" && receiver is RefValue r && state.Get<SequenceObject>(receiver) is not null)
        {
            return interpreter.New(state, new EnumeratorObject(r.Id, -1));
        }

        if (state.Get<SequenceObject>(receiver) is { } list && IsSequenceType(type))
        {
            return ListCall(interpreter, state, (RefValue)receiver!, list, method, arguments, operation);
        }

        if (Is(type, "Enumerable", InLinq) && arguments.Length >= 1 && state.Get<SequenceObject>(arguments[0]) is { } items)
        {
            switch (method.Name)
            {
                case "ToArray" or "ToList" when arguments.Length == 1:
                    return interpreter.New(state, items.UnknownReason is null ? new SequenceObject(items.Items, method.Name == "ToArray") : new SequenceObject(ImmutableList<Value>.Empty, method.Name == "ToArray") { UnknownReason = items.UnknownReason }, operation.Syntax);
                case "Reverse" when arguments.Length == 1:
                    return interpreter.New(state, items.WithItems(items.Items.Reverse()), operation.Syntax);
                case "Count" when arguments.Length == 1:
                    return items.UnknownReason is null ? Values.Number(items.Items.Count, operation.Syntax) : new UnknownValue(items.UnknownReason);
                case "Last" when arguments.Length == 1:
                    return items.UnknownReason is null && items.Items.Count > 0 ? items.Items[items.Items.Count - 1] : Interpreter.Unknown(method.ReturnType, "the last element of an unknown sequence");
                case "First" when arguments.Length == 1:
                    return items.UnknownReason is null && items.Items.Count > 0 ? items.Items[0] : Interpreter.Unknown(method.ReturnType, "the first element of an unknown sequence");
            }
        }

        if (Is(type, "Enumerable", InLinq) && method.Name == "Range" && arguments.Length == 2
            && arguments[0].AsLong() is long start && arguments[1].AsLong() is long count && count >= 0 && count <= interpreter.Budget.MaxSequenceLength)
        {
            return interpreter.New(state, new SequenceObject(Enumerable.Range(0, (int)count).Select(i => (Value)Values.Number(start + i)).ToImmutableList(), false), operation.Syntax);
        }

        return null;
    }

    private static Value? ListCall(Interpreter interpreter, State state, RefValue receiver, SequenceObject list, IMethodSymbol method, Value[] arguments, IOperation operation)
    {
        var id = receiver.Id;
        switch (method.Name)
        {
            case "Add" when arguments.Length == 1:
                state.Set(id, list.Items.Count >= interpreter.Budget.MaxSequenceLength
                    ? new SequenceObject(ImmutableList<Value>.Empty, list.IsArray) { UnknownReason = $"a list longer than {interpreter.Budget.MaxSequenceLength} elements" }
                    : list.WithItems(list.Items.Add(arguments[0])));
                return UnknownValue.Plain;
            case "AddRange" when arguments.Length == 1:
                var other = state.Get<SequenceObject>(arguments[0]);
                state.Set(id, other is { UnknownReason: null } ? list.WithItems(list.Items.AddRange(other.Items))
                    : new SequenceObject(ImmutableList<Value>.Empty, list.IsArray) { UnknownReason = "a list extended with something the interpreter does not know" });
                return UnknownValue.Plain;
            case "Insert" when arguments.Length == 2 && arguments[0].AsLong() is long at && at >= 0 && at <= list.Items.Count:
                state.Set(id, list.WithItems(list.Items.Insert((int)at, arguments[1])));
                return UnknownValue.Plain;
            case "Clear":
                state.Set(id, new SequenceObject(ImmutableList<Value>.Empty, list.IsArray));
                return UnknownValue.Plain;
            case "ToArray" when arguments.Length == 0:
                return interpreter.New(state, new SequenceObject(list.Items, true) { UnknownReason = list.UnknownReason }, operation.Syntax);
            case "get_Item" when arguments.Length == 1:
                return interpreter.ElementAt(receiver, arguments[0].AsLong(), state, method.ReturnType, operation.Syntax);
            case "Reverse" when arguments.Length == 0:
                state.Set(id, list.WithItems(list.Items.Reverse()));
                return UnknownValue.Plain;
            case "RemoveAt" or "Remove" or "RemoveRange" or "Sort":
                state.Set(id, new SequenceObject(ImmutableList<Value>.Empty, list.IsArray) { UnknownReason = $"a list changed by {method.Name}" });
                return UnknownValue.Plain;
            default:
                return null;
        }
    }

    private static Value? MathCall(string name, Value[] arguments, IOperation operation)
    {
        if (arguments.All(a => a is NumberValue { IsReal: false, Known: not null }))
        {
            var x = arguments[0].AsLong()!.Value;
            var y = arguments.Length == 2 ? arguments[1].AsLong()!.Value : 0;
            long? result = name switch
            {
                "Max" when arguments.Length == 2 => System.Math.Max(x, y),
                "Min" when arguments.Length == 2 => System.Math.Min(x, y),
                "Abs" when arguments.Length == 1 && x != long.MinValue => System.Math.Abs(x),
                _ => null,
            };
            if (result is long r)
            {
                return Values.Number(r, operation.Syntax);
            }
        }

        if (arguments.All(a => a.AsReal() is not null))
        {
            var x = arguments[0].AsReal()!.Value;
            var y = arguments.Length == 2 ? arguments[1].AsReal()!.Value : 0;
            double? result = name switch
            {
                "Floor" => System.Math.Floor(x),
                "Ceiling" => System.Math.Ceiling(x),
                "Sqrt" => System.Math.Sqrt(x),
                "Pow" when arguments.Length == 2 => System.Math.Pow(x, y),
                "Max" when arguments.Length == 2 => System.Math.Max(x, y),
                "Min" when arguments.Length == 2 => System.Math.Min(x, y),
                "Round" when arguments.Length == 1 => System.Math.Round(x),
                _ => null,
            };
            if (result is double d)
            {
                return new NumberValue(d) { Origin = operation.Syntax };
            }
        }

        return null;
    }

    public static bool IsList(INamedTypeSymbol type) => type.Arity == 1 && Is(type, "List", InCollectionsGeneric);

    private static bool IsSequenceType(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Array || Is(type, "Array", InSystem)
        || (type.Arity == 1 && type.Name is "List" or "IList" or "ICollection" or "IReadOnlyList" or "IReadOnlyCollection" or "IEnumerable"
            && Is(type, type.Name, InCollectionsGeneric))
        || (type.Arity == 0 && Is(type, "IEnumerable", InCollections));

    // Namespaces outermost first, made once: a params array was allocated at every call, matching or not.
    private static readonly string[] InSystem = ["System"];
    private static readonly string[] InLinq = ["System", "Linq"];
    private static readonly string[] InCollections = ["System", "Collections"];
    private static readonly string[] InCollectionsGeneric = ["System", "Collections", "Generic"];

    /// <summary>The type's name and namespace (outermost first), compared without building display strings.</summary>
    private static bool Is(INamedTypeSymbol type, string name, string[] namespaces)
    {
        if (type.Name != name || type.ContainingType is not null)
        {
            return false;
        }

        var ns = type.ContainingNamespace;
        for (var i = namespaces.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.Name != namespaces[i])
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: true };
    }
}
