using System;
using System.Collections.Immutable;
using System.Linq;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Interpretation;

/// <summary>
/// An abstract value: what the interpreter knows about a C# value at one program point. Values are immutable;
/// mutable things (arrays, lists, modules) live on the heap (<see cref="State.Heap"/>) and are referred to by <see cref="RefValue"/>.
/// </summary>
internal abstract class Value
{
    /// <summary>Where the value was written in source (a literal, a config array element), for diagnostic locations.</summary>
    public SyntaxNode? Origin { get; init; }

    public abstract bool SameAs(Value other);
}

/// <summary>⊤: nothing is known. <see cref="Reason"/> says why, for CONV012.</summary>
internal sealed class UnknownValue : Value
{
    public static readonly UnknownValue Plain = new("a value the interpreter does not know");

    public UnknownValue(string reason) => Reason = reason;

    public string Reason { get; }

    public override bool SameAs(Value other) => other is UnknownValue;

    public override string ToString() => "⊤ (" + Reason + ")";
}

/// <summary>A number: an integer that may be a symbol read from the input (the batch <c>N</c>), or a real.</summary>
internal sealed class NumberValue : Value
{
    public NumberValue(Dim integer) => Integer = integer;

    public NumberValue(double real)
    {
        Real = real;
        IsReal = true;
    }

    public Dim Integer { get; }

    public double Real { get; }

    public bool IsReal { get; }

    public long? Known => IsReal ? null : Integer.Known;

    public double? KnownReal => IsReal ? Real : Integer.Known;

    public override bool SameAs(Value other) => other is NumberValue n && n.IsReal == IsReal && (IsReal ? n.Real.Equals(Real) : n.Integer.Equals(Integer));

    public override string ToString() => IsReal ? Real.ToString(System.Globalization.CultureInfo.InvariantCulture) : Integer.ToString();
}

/// <summary>A bool, string, enum member (as its integer), or null.</summary>
internal sealed class ConstantValue : Value
{
    public static readonly ConstantValue Null = new(null);

    public ConstantValue(object? constant) => Constant = constant;

    public object? Constant { get; }

    public override bool SameAs(Value other) => other is ConstantValue c && Equals(c.Constant, Constant);

    public override string ToString() => Constant?.ToString() ?? "null";
}

/// <summary>A C# tuple <c>(a, b)</c>: immutable, so held by value.</summary>
internal sealed class TupleValue : Value
{
    public TupleValue(ImmutableArray<Value> items) => Items = items;

    public ImmutableArray<Value> Items { get; }

    public override bool SameAs(Value other) =>
        other is TupleValue t && t.Items.Length == Items.Length && Items.Zip(t.Items, (a, b) => a.SameAs(b)).All(x => x);
}

/// <summary>A reference to a heap object.</summary>
internal sealed class RefValue : Value
{
    public RefValue(int id) => Id = id;

    public int Id { get; }

    public override bool SameAs(Value other) => other is RefValue r && r.Id == Id;
}

/// <summary>A lambda or method group: called when invoked.</summary>
internal sealed class DelegateValue : Value
{
    public DelegateValue(IMethodSymbol method, Microsoft.CodeAnalysis.FlowAnalysis.IFlowAnonymousFunctionOperation? lambda, Frame? closure, Value? target)
    {
        Method = method;
        Lambda = lambda;
        Closure = closure;
        Target = target;
    }

    public IMethodSymbol Method { get; }

    public Microsoft.CodeAnalysis.FlowAnalysis.IFlowAnonymousFunctionOperation? Lambda { get; }

    /// <summary>The frame whose locals the lambda captures.</summary>
    public Frame? Closure { get; }

    public Value? Target { get; }

    public override bool SameAs(Value other) => ReferenceEquals(this, other);
}

/// <summary>
/// A tensor: its shape (null when even the rank is unknown), the encoder shapes its decoder owes (the pairing
/// stack of DESIGN §3), and the layer that set its channels (for the CONV004 fix on the producer).
/// </summary>
internal sealed class TensorValue : Value
{
    public TensorValue(Dim[]? shape, ImmutableStack<PendingPair> pending, LayerSite? producer = null, string? unknownReason = null)
    {
        Shape = shape;
        Pending = pending;
        Producer = producer;
        UnknownReason = unknownReason;
    }

    public Dim[]? Shape { get; }

    public ImmutableStack<PendingPair> Pending { get; }

    public LayerSite? Producer { get; }

    /// <summary>Why the shape (or part of it) is unknown.</summary>
    public string? UnknownReason { get; }

    /// <summary>The reason of a tensor that exists only because an earlier layer fails: nothing after it is reported (no cascades).</summary>
    public const string AfterFailure = "an earlier layer or operation fails for this input";

    public static TensorValue Unknown(string reason) => new(null, ImmutableStack<PendingPair>.Empty, null, reason);

    public bool IsFullyKnown => Shape is not null && Shape.All(d => !d.IsUnknown);

    public TensorValue With(Dim[]? shape, LayerSite? producer = null, string? reason = null) =>
        new(shape, Pending, producer ?? Producer, reason ?? (shape is null ? UnknownReason : null));

    public override bool SameAs(Value other) =>
        other is TensorValue t && ((t.Shape is null && Shape is null) || (t.Shape is not null && Shape is not null && t.Shape.SequenceEqual(Shape)));
}

/// <summary>A downsampling layer's input, waiting for the transposed layer that must give it back.</summary>
internal sealed record PendingPair(long[] Spatial, LayerSite Encoder)
{
    /// <summary>The same sizes as the interpreter held them (traced ones keep their trace).</summary>
    public Dim[]? Dims { get; init; }
}

internal static class Values
{
    public static NumberValue Number(long value, SyntaxNode? origin = null) => new(Dim.Of(value)) { Origin = origin };

    public static long? AsLong(this Value? value) => value is NumberValue n ? n.Known : null;

    public static double? AsReal(this Value? value) => value is NumberValue n ? n.KnownReal : null;

    public static bool? AsBool(this Value? value) => value is ConstantValue { Constant: bool b } ? b : null;

    public static string Describe(this Value value) => value switch
    {
        UnknownValue u => u.Reason,
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>The join of two values reaching the same point: equal ones stay, others become unknown.</summary>
    public static Value Join(Value a, Value b, string reason)
    {
        if (ReferenceEquals(a, b) || a.SameAs(b))
        {
            return a;
        }

        if (a is TensorValue ta && b is TensorValue tb && ta.Shape is { } sa && tb.Shape is { } sb && sa.Length == sb.Length)
        {
            var dims = new Dim[sa.Length];
            for (var i = 0; i < dims.Length; i++)
            {
                dims[i] = sa[i].Equals(sb[i]) ? sa[i] : Dim.Unknown;
            }

            return new TensorValue(dims, ta.Pending, null, reason);
        }

        if (a is TensorValue || b is TensorValue)
        {
            // An unknown side keeps its own reason: it says more than "differs between the branches".
            return TensorValue.Unknown((a as TensorValue)?.UnknownReason ?? (b as TensorValue)?.UnknownReason ?? reason);
        }

        return a is UnknownValue ? a : b is UnknownValue ? b : new UnknownValue(reason);
    }
}
