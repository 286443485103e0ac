using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// Why TorchSharp rejects a tensor operation: the diagnostic it becomes and a message in libtorch's words,
/// followed by the arithmetic that shows why.
/// </summary>
/// <param name="DiagnosticId">
/// <see cref="SizeMismatch"/>, <see cref="DimOutOfRange"/>, <see cref="JoinMismatch"/> or <see cref="InvalidArgument"/>.
/// </param>
public sealed record OpFailure(string DiagnosticId, string Message)
{
    /// <summary>Sizes, features or channels that do not agree (view element count, norm channels, matmul inner dims).</summary>
    public const string SizeMismatch = "CONV004";

    /// <summary>A rank the op does not accept, or a dim index out of range.</summary>
    public const string DimOutOfRange = "CONV006";

    /// <summary>Tensors joined by cat, stack or an elementwise op that do not fit together.</summary>
    public const string JoinMismatch = "CONV010";

    /// <summary>An argument TorchSharp rejects whatever the input (two −1 in view, chunks ≤ 0).</summary>
    public const string InvalidArgument = "CONV002";

    /// <summary>
    /// For a layer whose size argument does not match what it receives (a norm's channels or normalized shape): the
    /// value that argument needs for this input, which the layer then accepts. Null when no value of it would do.
    /// </summary>
    public long[]? Needs { get; init; }
}

/// <summary>
/// The result of one tensor op: the output shape (whose dims may each be unknown or symbolic), or the failure
/// TorchSharp raises, or neither: unknown, nothing is claimed.
/// </summary>
public sealed record OpOutcome(Dim[]? Shape, OpFailure? Failure)
{
    public static OpOutcome Unknown { get; } = new(null, null);

    public bool IsUnknown => Shape is null && Failure is null;

    public static OpOutcome Of(Dim[] shape) => new(shape, null);

    public static OpOutcome Fail(string id, string message) => new(null, new OpFailure(id, message));

    /// <summary>A size argument that does not match the input, and the value it needs (<see cref="OpFailure.Needs"/>).</summary>
    public static OpOutcome Fail(string id, string message, long[] needs) => new(null, new OpFailure(id, message) { Needs = needs });

    public override string ToString() => Shape is not null ? Dim.Format(Shape) : Failure is not null ? Failure.DiagnosticId + ": " + Failure.Message : "unknown";
}

/// <summary>How a reduction treats its dims: the checks differ between libtorch's reduction kernels (measured).</summary>
public enum ReductionKind
{
    /// <summary><c>sum</c>, <c>mean</c>, <c>prod</c>, <c>nansum</c>, <c>logsumexp</c>: an empty dim reduces to the identity.</summary>
    Sum,

    /// <summary><c>amax</c>, <c>amin</c>, <c>max(dim)</c>, <c>min(dim)</c>, <c>argmax</c>, <c>argmin</c>: a reduced dim of size 0 fails.</summary>
    Extremum,

    /// <summary><c>std</c>, <c>var</c>: a repeated dim is reported before a later dim out of range.</summary>
    Moment,
}

/// <summary>The result of an op that returns several tensors (chunk, split): their shapes, a failure, or unknown.</summary>
public sealed record OpPartsOutcome(IReadOnlyList<Dim[]>? Parts, OpFailure? Failure)
{
    public static OpPartsOutcome Unknown { get; } = new(null, null);

    public bool IsUnknown => Parts is null && Failure is null;

    public static OpPartsOutcome Of(IReadOnlyList<Dim[]> parts) => new(parts, null);

    public static OpPartsOutcome Fail(string id, string message) => new(null, new OpFailure(id, message));

    internal static OpPartsOutcome From(OpOutcome failed) => failed.Failure is OpFailure f ? new(null, f) : Unknown;

    public override string ToString() => Parts is not null
        ? string.Join(" ", EnumerateFormatted(Parts))
        : Failure is not null ? Failure.DiagnosticId + ": " + Failure.Message : "unknown";

    private static IEnumerable<string> EnumerateFormatted(IReadOnlyList<Dim[]> parts)
    {
        foreach (var part in parts)
        {
            yield return Dim.Format(part);
        }
    }
}

/// <summary>
/// The shape rules of TorchSharp's tensor operations and of the layers outside the conv family, as TorchSharp 0.107
/// with libtorch 2.10 applies them (measured, not as documented). Every function is total: whatever the input
/// (negative, huge, empty), it returns an outcome and never throws; a value it cannot prove gives an unknown dim
/// or an unknown outcome, never a failure. Negative dims count from the end, as in libtorch.
/// </summary>
public static partial class TensorOps
{
    /// <summary>chunk and split results with more parts than this are unknown (the interpreter tracks no more).</summary>
    public const int MaxParts = 4096;

    private const string Mismatch = OpFailure.SizeMismatch;
    private const string Range = OpFailure.DimOutOfRange;
    private const string Join = OpFailure.JoinMismatch;
    private const string Argument = OpFailure.InvalidArgument;

    /// <summary>
    /// <c>view</c> and <c>reshape</c>: at most one −1 (<c>Dim.Of(-1)</c>), inferred from the element count. A symbol in
    /// <paramref name="sizes"/> cancels the same symbol of the input, so <c>x.view(x.shape[0], -1)</c> on [N,16,5,5] gives [N,400].
    /// </summary>
    public static OpOutcome View(Dim[] input, IReadOnlyList<Dim> sizes)
    {
        if (!Valid(input) || sizes is null)
        {
            return OpOutcome.Unknown;
        }

        var inferred = -1;
        for (var i = 0; i < sizes.Count; i++)
        {
            if (sizes[i].IsKnown && IsNegative(sizes[i]))
            {
                var s = sizes[i].Peek;
                SizeTrace.Decide(SizeStep.Equal, sizes[i], Dim.Of(-1), s == -1);
                if (s != -1)
                {
                    return OpOutcome.Fail(Argument, $"invalid shape dimension {L(s)} at index {i} of shape {Torch(sizes)}: a size is at least 0, or −1 for the one inferred");
                }

                if (inferred >= 0)
                {
                    return OpOutcome.Fail(Argument, $"only one dimension can be inferred: the shape {Torch(sizes)} has −1 at index {inferred} and at index {i}");
                }

                inferred = i;
            }
        }

        // Elements on each side, with a symbol that appears on both sides cancelled (it is the same number there).
        var inputSymbols = new List<string>();
        long? inputKnown = 1;
        var inputTraced = Dim.Of(1);
        var inputUnknown = false;
        foreach (var d in input)
        {
            if (d.IsKnown)
            {
                inputKnown = CheckedMath.Mul(inputKnown, d.Peek);
                inputTraced = SizeTrace.Combine(SizeStep.Multiply, inputTraced, d, inputKnown ?? 0);
            }
            else if (d.Symbol is string symbol)
            {
                inputSymbols.Add(symbol);
            }
            else
            {
                inputUnknown = true;
            }
        }

        var cancelled = new List<string>();
        long? sizesKnown = 1;
        var sizesTraced = Dim.Of(1);
        var sizesOpen = false;
        for (var i = 0; i < sizes.Count; i++)
        {
            var d = sizes[i];
            if (i == inferred)
            {
                continue;
            }

            if (d.IsKnown)
            {
                sizesKnown = CheckedMath.Mul(sizesKnown, d.Peek);
                sizesTraced = SizeTrace.Combine(SizeStep.Multiply, sizesTraced, d, sizesKnown ?? 0);
            }
            else if (d.Symbol is string symbol && inputSymbols.Remove(symbol))
            {
                cancelled.Add(symbol);
            }
            else
            {
                sizesOpen = true;
            }
        }

        if (inferred >= 0 && inputSymbols.Count == 1 && !inputUnknown && !sizesOpen && inputKnown is long elements && sizesKnown is long others
            && elements > 0 && IsZero(SizeTrace.Combine(SizeStep.Subtract, inputTraced, sizesTraced, elements - others)))
        {
            // N·k elements into sizes whose known product is k: the inferred size is N itself (x.view(-1, 16, 4, 4) keeps the batch).
            return OpOutcome.Of(WithInferred(sizes, inferred, Dim.Named(inputSymbols[0])));
        }

        if (inputKnown is not long inCount || sizesKnown is not long outCount || inputUnknown || sizesOpen || inputSymbols.Count > 0)
        {
            // Not provable either way: if the call succeeds, its shape is the sizes asked for.
            return OpOutcome.Of(WithInferred(sizes, inferred, Dim.Unknown));
        }

        var symbols = cancelled.Count == 0 ? string.Empty : string.Join("·", cancelled) + "·";
        var holds = $"the input {Dim.Format(input)} holds {ProductText(input)} = {symbols}{L(inCount)} elements";
        if (inferred >= 0)
        {
            if (IsZero(sizesTraced) && IsZero(inputTraced))
            {
                return OpOutcome.Fail(Mismatch, $"cannot reshape tensor of 0 elements into shape {Torch(sizes)} because the unspecified dimension size -1 can be any value and is ambiguous");
            }

            if (IsZero(sizesTraced) || !IsZero(SizeTrace.Combine(SizeStep.Remainder, inputTraced, sizesTraced, inCount % outCount)))
            {
                return OpOutcome.Fail(Mismatch, $"shape '{Torch(sizes)}' is invalid for input of size {symbols}{L(inCount)}: {holds}, "
                    + $"and {L(inCount)} is not a multiple of {KnownProductText(sizes, inferred)} = {L(outCount)}, the product of the other sizes{Cancelled(cancelled)}");
            }

            return OpOutcome.Of(WithInferred(sizes, inferred, SizeTrace.Combine(SizeStep.Divide, inputTraced, sizesTraced, inCount / outCount)));
        }

        if (!inputTraced.Equals(sizesTraced))
        {
            return OpOutcome.Fail(Mismatch, $"shape '{Torch(sizes)}' is invalid for input of size {symbols}{L(inCount)}: {holds}, "
                + $"but {Dim.Format(sizes)} holds {ProductText(sizes)} = {symbols}{L(outCount)}{Cancelled(cancelled)}");
        }

        return OpOutcome.Of(Copy(sizes));
    }

    /// <summary>A known size compared with 0 (a decision of the free-size trace when it is traced).</summary>
    private static bool IsZero(Dim size) => size.Equals(Dim.Of(0));

    private static bool IsNegative(Dim size)
    {
        var negative = size.Peek < 0;
        SizeTrace.Decide(SizeStep.Less, size, Dim.Of(0), negative);
        return negative;
    }

    /// <summary><c>Tensor.flatten</c> (defaults 0, −1) and <c>nn.Flatten</c> (defaults 1, −1: the caller passes them).</summary>
    public static OpOutcome Flatten(Dim[] input, long startDim = 0, long endDim = -1)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (Wrap(startDim, input, "flatten's start_dim", out var start) is OpOutcome startFailure)
        {
            return startFailure;
        }

        if (Wrap(endDim, input, "flatten's end_dim", out var end) is OpOutcome endFailure)
        {
            return endFailure;
        }

        if (input.Length == 0)
        {
            return OpOutcome.Of([Dim.Of(1)]);
        }

        if (start > end)
        {
            return OpOutcome.Fail(Argument, $"flatten() has invalid args: start_dim cannot come after end_dim, but start_dim {L(startDim)} is dim {start} and end_dim {L(endDim)} is dim {end} of the {input.Length}-d input {Dim.Format(input)}");
        }

        var result = new List<Dim>(input.Length);
        for (var i = 0; i < start; i++)
        {
            result.Add(input[i]);
        }

        result.Add(Product(input, start, end));
        for (var i = end + 1; i < input.Length; i++)
        {
            result.Add(input[i]);
        }

        return OpOutcome.Of(result.ToArray());
    }

    /// <summary>
    /// <c>Tensor.unflatten</c> and <c>nn.Unflatten</c>. TorchSharp 0.107 accepts only dims counted from the front
    /// (it rejects −1, which PyTorch accepts) and at most one −1 among the sizes.
    /// </summary>
    public static OpOutcome Unflatten(Dim[] input, long dim, IReadOnlyList<Dim> sizes)
    {
        if (!Valid(input) || sizes is null)
        {
            return OpOutcome.Unknown;
        }

        if (dim < 0)
        {
            return OpOutcome.Fail(Argument, $"Invalid 'dim' argument: {L(dim)}. TorchSharp 0.107's unflatten accepts only dims counted from the front (0 to rank − 1)");
        }

        if (dim >= input.Length)
        {
            return OpOutcome.Fail(Range, $"Invalid 'dim' argument: {L(dim)}. The {input.Length}-d input {Dim.Format(input)} has dims 0 to {input.Length - 1}");
        }

        if (sizes.Count == 0)
        {
            return OpOutcome.Fail(Argument, "The number of output sizes is zero: unflatten needs at least one size");
        }

        var inferred = -1;
        for (var i = 0; i < sizes.Count; i++)
        {
            if (sizes[i].IsKnown && IsNegative(sizes[i]))
            {
                var s = sizes[i].Peek;
                SizeTrace.Decide(SizeStep.Equal, sizes[i], Dim.Of(-1), s == -1);
                if (s != -1 || inferred >= 0)
                {
                    return OpOutcome.Fail(Argument, $"unflatten got an unexpected error: the sizes {Torch(sizes)} may hold sizes ≥ 0 and at most one −1 (libtorch: can only specify one unknown dimension)");
                }

                inferred = i;
            }
        }

        var index = (int)dim;
        var target = input[index];
        long? known = 1;
        var open = false;
        for (var i = 0; i < sizes.Count; i++)
        {
            if (i == inferred)
            {
                continue;
            }

            if (sizes[i].IsKnown)
            {
                known = CheckedMath.Mul(known, sizes[i].Value);
            }
            else
            {
                open = true;
            }
        }

        Dim inferredSize = Dim.Unknown;
        if (known is long product && !open && target.Known is long size)
        {
            var fails = inferred >= 0 ? product == 0 || size % product != 0 : product != size;
            if (fails)
            {
                return OpOutcome.Fail(Mismatch, $"unflatten: Provided sizes {Torch(sizes)} don't multiply up to the size of dim {index} ({L(size)}) in the input tensor {Dim.Format(input)}: "
                    + (inferred >= 0 ? $"{L(size)} is not a multiple of {KnownProductText(sizes, inferred)} = {L(product)}" : $"{ProductText(sizes)} = {L(product)}"));
            }

            if (inferred >= 0)
            {
                inferredSize = Dim.Of(size / product);
            }
        }
        else if (inferred >= 0 && sizes.Count == 1)
        {
            inferredSize = target;
        }

        var result = new List<Dim>(input.Length + sizes.Count);
        for (var i = 0; i < index; i++)
        {
            result.Add(input[i]);
        }

        result.AddRange(WithInferred(sizes, inferred, inferredSize));
        for (var i = index + 1; i < input.Length; i++)
        {
            result.Add(input[i]);
        }

        return OpOutcome.Of(result.ToArray());
    }

    /// <summary><c>permute</c>: the order names every dim once.</summary>
    public static OpOutcome Permute(Dim[] input, IReadOnlyList<long> order)
    {
        if (!Valid(input) || order is null)
        {
            return OpOutcome.Unknown;
        }

        if (order.Count != input.Length)
        {
            return OpOutcome.Fail(Range, $"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {input.Length} is not equal to len(dims) = {order.Count}: the order {Tuple(order)} must name each dim of {Dim.Format(input)} once");
        }

        var result = new Dim[input.Length];
        var seen = new bool[input.Length];
        for (var i = 0; i < order.Count; i++)
        {
            if (Wrap(order[i], input, $"permute's entry {i}", out var d) is OpOutcome failure)
            {
                return failure;
            }

            if (seen[d])
            {
                return OpOutcome.Fail(Argument, $"permute(): duplicate dims are not allowed: {Tuple(order)} names dim {d} twice");
            }

            seen[d] = true;
            result[i] = input[d];
        }

        return OpOutcome.Of(result);
    }

    /// <summary><c>transpose</c> / <c>swapaxes</c>.</summary>
    public static OpOutcome Transpose(Dim[] input, long dim0, long dim1)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (Wrap(dim0, input, "transpose's dim0", out var a) is OpOutcome failure0)
        {
            return failure0;
        }

        if (Wrap(dim1, input, "transpose's dim1", out var b) is OpOutcome failure1)
        {
            return failure1;
        }

        var result = Copy(input);
        if (result.Length > 0)
        {
            (result[a], result[b]) = (result[b], result[a]);
        }

        return OpOutcome.Of(result);
    }

    /// <summary><c>squeeze()</c> drops every dim of size 1 (unknown when a dim is not known); <c>squeeze(dim)</c> drops that one if it is 1.</summary>
    public static OpOutcome Squeeze(Dim[] input, long? dim)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (dim is not long given)
        {
            var kept = new List<Dim>(input.Length);
            foreach (var d in input)
            {
                if (!d.IsKnown)
                {
                    return OpOutcome.Unknown;
                }

                if (d.Value != 1)
                {
                    kept.Add(d);
                }
            }

            return OpOutcome.Of(kept.ToArray());
        }

        if (Wrap(given, input, "squeeze's dim", out var index) is OpOutcome failure)
        {
            return failure;
        }

        if (input.Length == 0)
        {
            return OpOutcome.Of([]);
        }

        if (!input[index].IsKnown)
        {
            return OpOutcome.Unknown;
        }

        return OpOutcome.Of(input[index].Value == 1 ? Remove(input, index) : Copy(input));
    }

    /// <summary><c>unsqueeze</c>: dim ranges over rank + 1 positions.</summary>
    public static OpOutcome Unsqueeze(Dim[] input, long dim)
    {
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        if (WrapPositions(dim, input.Length + 1, input, "unsqueeze's dim", out var index) is OpOutcome failure)
        {
            return failure;
        }

        return OpOutcome.Of(Insert(input, index, Dim.Of(1)));
    }

    /// <summary>
    /// Reductions with dims (<c>mean</c>, <c>sum</c>, <c>amax</c>, <c>max(dim)</c>, <c>std</c>, <c>var</c>, ...). Null or empty
    /// dims reduce every dim (measured: an empty list too).
    /// </summary>
    public static OpOutcome Reduce(Dim[] input, IReadOnlyList<long>? dims, bool keepdim, ReductionKind kind = ReductionKind.Sum)
    {
        var requiresNonEmpty = kind == ReductionKind.Extremum;
        if (!Valid(input))
        {
            return OpOutcome.Unknown;
        }

        var reduced = new bool[input.Length];
        if (dims is null || dims.Count == 0)
        {
            for (var i = 0; i < reduced.Length; i++)
            {
                reduced[i] = true;
            }

            if (requiresNonEmpty && Product(input, 0, input.Length - 1).Known == 0)
            {
                return OpOutcome.Fail(Mismatch, $"max(): Expected reduction dim to be specified for input.numel() == 0: the input {Dim.Format(input)} holds no element, and this reduction has no value for an empty tensor");
            }
        }
        else
        {
            // Measured: sum, mean and amax wrap every dim before they look for repeats; std and var check as they go.
            foreach (var dim in dims)
            {
                if (kind != ReductionKind.Moment && Wrap(dim, input, "the reduction dim", out _) is OpOutcome failure)
                {
                    return failure;
                }
            }

            var scalarSeen = false;
            foreach (var dim in dims)
            {
                if (Wrap(dim, input, "the reduction dim", out var index) is OpOutcome failure)
                {
                    return failure;
                }

                if (input.Length == 0 ? scalarSeen : reduced[index])
                {
                    return OpOutcome.Fail(Argument, $"dim {index} appears multiple times in the list of dims {Tuple(dims)} (of the {input.Length}-d input {Dim.Format(input)})");
                }

                if (input.Length == 0)
                {
                    scalarSeen = true;
                    continue;
                }

                reduced[index] = true;
            }

            if (requiresNonEmpty)
            {
                for (var i = 0; i < input.Length; i++)
                {
                    if (reduced[i] && input[i].Known == 0)
                    {
                        return OpOutcome.Fail(Mismatch, $"Expected reduction dim {i} to have non-zero size: dim {i} of {Dim.Format(input)} is 0, and this reduction has no value for an empty dim");
                    }
                }
            }
        }

        var result = new List<Dim>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (!reduced[i])
            {
                result.Add(input[i]);
            }
            else if (keepdim)
            {
                result.Add(Dim.Of(1));
            }
        }

        return OpOutcome.Of(result.ToArray());
    }

    /// <summary>
    /// <c>torch.cat</c>: every part has the same rank and the same sizes except along <paramref name="dim"/>. Only two known,
    /// different sizes fail. Measured: a single tensor is returned as it is (dim is not checked); 1-d empty tensors
    /// (shape [0]) are skipped, as libtorch's legacy rule says.
    /// </summary>
    public static OpOutcome Cat(IReadOnlyList<Dim[]> parts, long dim)
    {
        if (parts is null || !AllValid(parts))
        {
            return OpOutcome.Unknown;
        }

        if (parts.Count == 0)
        {
            return OpOutcome.Fail(Argument, "cat needs at least one tensor, but the list is empty (TorchSharp: tensors)");
        }

        if (parts.Count == 1)
        {
            return OpOutcome.Of(Copy(parts[0]));
        }

        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Length == 0)
            {
                return OpOutcome.Fail(Range, $"zero-dimensional tensor (at position {i}) cannot be concatenated: cat joins tensors along an existing dim, and part {i} is a scalar; use stack, or unsqueeze it first");
            }
        }

        var reference = -1;
        var joined = new List<int>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Length == 1 && part[0].Known == 0)
            {
                continue;
            }

            if (part.Length == 1 && !part[0].IsKnown)
            {
                // Maybe a skipped [0], maybe not: nothing is claimed.
                return OpOutcome.Unknown;
            }

            reference = reference < 0 ? i : reference;
            joined.Add(i);
        }

        if (reference < 0)
        {
            return OpOutcome.Of([Dim.Of(0)]);
        }

        var first = parts[reference];
        if (Wrap(dim, first, "cat's dim", out var axis) is OpOutcome rangeFailure)
        {
            return rangeFailure;
        }

        var result = Copy(first);
        long? total = 0;
        foreach (var i in joined)
        {
            var part = parts[i];
            if (part.Length != first.Length)
            {
                return OpOutcome.Fail(Join, $"Tensors must have same number of dimensions: got {first.Length} and {part.Length}: cat along dim {axis} joins {Dim.Format(first)} and {Dim.Format(part)} (tensor number {i} in the list)");
            }

            for (var d = 0; d < first.Length; d++)
            {
                if (d == axis)
                {
                    continue;
                }

                if (first[d].IsKnown && part[d].IsKnown && !first[d].Equals(part[d]))
                {
                    return OpOutcome.Fail(Join, $"Sizes of tensors must match except in dimension {axis}. Expected size {first[d]} but got size {part[d]} for tensor number {i} in the list. Here cat along dim {axis} joins {Dim.Format(first)} and {Dim.Format(part)}: they differ in dim {d} ({first[d]} vs {part[d]})");
                }

                result[d] = Agree(result[d], part[d]);
            }

            total = part[axis].Known is long size ? CheckedMath.Add(total, size) : null;
        }

        result[axis] = total is long sum ? Dim.Of(sum) : Dim.Unknown;
        return OpOutcome.Of(result);
    }

    /// <summary><c>torch.stack</c>: every part has the same shape; dim ranges over rank + 1 positions.</summary>
    public static OpOutcome Stack(IReadOnlyList<Dim[]> parts, long dim)
    {
        if (parts is null || !AllValid(parts))
        {
            return OpOutcome.Unknown;
        }

        if (parts.Count == 0)
        {
            return OpOutcome.Fail(Argument, "stack expects a non-empty TensorList");
        }

        var first = parts[0];
        if (WrapPositions(dim, first.Length + 1, first, "stack's dim", out var axis) is OpOutcome failure)
        {
            return failure;
        }

        var shape = Copy(first);
        for (var i = 1; i < parts.Count; i++)
        {
            var part = parts[i];
            var fits = part.Length == first.Length;
            var differs = -1;
            for (var d = 0; fits && d < first.Length; d++)
            {
                if (first[d].IsKnown && part[d].IsKnown && !first[d].Equals(part[d]))
                {
                    fits = false;
                    differs = d;
                }
                else
                {
                    shape[d] = Agree(shape[d], part[d]);
                }
            }

            if (!fits)
            {
                var why = differs >= 0 ? $"they differ in dim {differs} ({first[differs]} vs {part[differs]})" : $"they have {first.Length} and {part.Length} dims";
                return OpOutcome.Fail(Join, $"stack expects each tensor to be equal size, but got {Torch(first)} at entry 0 and {Torch(part)} at entry {i}: {why}");
            }
        }

        return OpOutcome.Of(Insert(shape, axis, Dim.Of(parts.Count)));
    }

    /// <summary>
    /// Broadcasting of elementwise ops (<c>+ − * /</c>, <c>add</c>, <c>mul</c>, <c>where</c>, ...): shapes align from the right,
    /// and each pair of sizes is equal or one of them is 1. A symbol equals only itself; an unknown size never fails.
    /// </summary>
    public static OpOutcome Broadcast(Dim[] a, Dim[] b)
    {
        if (!Valid(a) || !Valid(b))
        {
            return OpOutcome.Unknown;
        }

        var rank = a.Length > b.Length ? a.Length : b.Length;
        var result = new Dim[rank];
        for (var i = rank - 1; i >= 0; i--)
        {
            var ia = i - (rank - a.Length);
            var ib = i - (rank - b.Length);
            if (ia < 0)
            {
                result[i] = b[ib];
                continue;
            }

            if (ib < 0)
            {
                result[i] = a[ia];
                continue;
            }

            if (BroadcastDim(a[ia], b[ib]) is Dim d)
            {
                result[i] = d;
                continue;
            }

            return OpOutcome.Fail(Join, $"The size of tensor a ({a[ia]}) must match the size of tensor b ({b[ib]}) at non-singleton dimension {i}: {Dim.Format(a)} and {Dim.Format(b)} align from the right, and in dim {i} the sizes differ and neither is 1");
        }

        return OpOutcome.Of(result);
    }

    /// <summary>
    /// <c>torch.matmul</c>: 1-d·1-d is a dot product, a 1-d operand gains and then loses a dim, and the dims before the last
    /// two broadcast. Measured: TorchSharp 0.107's matmul does not catch libtorch's error, so a predicted failure here
    /// terminates the process at run time instead of throwing.
    /// </summary>
    public static OpOutcome MatMul(Dim[] a, Dim[] b)
    {
        if (!Valid(a) || !Valid(b))
        {
            return OpOutcome.Unknown;
        }

        if (a.Length == 0 || b.Length == 0)
        {
            return OpOutcome.Fail(Range, $"both arguments to matmul need to be at least 1D, but they are {a.Length}D and {b.Length}D: {Dim.Format(a)} @ {Dim.Format(b)}");
        }

        var ka = a[a.Length - 1];
        var kb = b.Length == 1 ? b[0] : b[b.Length - 2];
        var inner = ka.Known is long x && kb.Known is long y && x != y;
        var innerText = $"{Dim.Format(a)} @ {Dim.Format(b)}: the last dim of a ({ka}) must equal the {(b.Length == 1 ? "only" : "second-to-last")} dim of b ({kb})";

        if (a.Length == 1 && b.Length == 1)
        {
            return inner
                ? OpOutcome.Fail(Mismatch, $"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have the same number of elements, but got {ka} and {kb} elements respectively: {innerText}")
                : OpOutcome.Of([]);
        }

        if (a.Length == 2 && b.Length == 1)
        {
            return inner
                ? OpOutcome.Fail(Mismatch, $"size mismatch, got input ({a[0]}), mat ({a[0]}x{ka}), vec ({kb}): {innerText}")
                : OpOutcome.Of([a[0]]);
        }

        if (a.Length == 1 && b.Length == 2)
        {
            return inner
                ? OpOutcome.Fail(Mismatch, $"mat1 and mat2 shapes cannot be multiplied (1x{ka} and {kb}x{b[1]}): {innerText}")
                : OpOutcome.Of([b[1]]);
        }

        if (a.Length == 2 && b.Length == 2)
        {
            return inner
                ? OpOutcome.Fail(Mismatch, $"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{ka} and {kb}x{b[1]}): {innerText}")
                : OpOutcome.Of([a[0], b[1]]);
        }

        if (a.Length >= 3 && b.Length <= 2)
        {
            // libtorch folds a's batch dims into its rows and multiplies once.
            var rows = Product(a, 0, a.Length - 2);
            if (inner)
            {
                return b.Length == 1
                    ? OpOutcome.Fail(Mismatch, $"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb}): {innerText}")
                    : OpOutcome.Fail(Mismatch, $"mat1 and mat2 shapes cannot be multiplied ({rows}x{ka} and {kb}x{b[1]}): {innerText}");
            }

            var folded = new List<Dim>(a.Length);
            for (var i = 0; i < a.Length - 1; i++)
            {
                folded.Add(a[i]);
            }

            if (b.Length == 2)
            {
                folded.Add(b[1]);
            }

            return OpOutcome.Of(folded.ToArray());
        }

        var batchA = Slice(a, 0, a.Length >= 2 ? a.Length - 2 : 0);
        var batchB = Slice(b, 0, b.Length >= 2 ? b.Length - 2 : 0);
        var batch = Broadcast(batchA, batchB);
        if (batch.Failure is OpFailure batchFailure)
        {
            var at = batchFailure.Message.IndexOf(": ", System.StringComparison.Ordinal);
            var words = at < 0 ? batchFailure.Message : batchFailure.Message.Substring(0, at);
            return OpOutcome.Fail(Mismatch, $"{words}: matmul broadcasts the batch dims {Dim.Format(batchA)} of {Dim.Format(a)} and {Dim.Format(batchB)} of {Dim.Format(b)}, and they do not broadcast");
        }

        var batchShape = batch.Shape!;
        if (inner)
        {
            var batchSize = Product(batchShape, 0, batchShape.Length - 1);
            return OpOutcome.Fail(Mismatch, $"Expected size for first two dimensions of batch2 tensor to be: [{batchSize}, {ka}] but got: [{batchSize}, {kb}].: {innerText}");
        }

        var result = new List<Dim>(batchShape);
        if (a.Length >= 2)
        {
            result.Add(a[a.Length - 2]);
        }

        if (b.Length >= 2)
        {
            result.Add(b[b.Length - 1]);
        }

        return OpOutcome.Of(result.ToArray());
    }

    /// <summary><c>chunk</c>: parts of ⌈size / chunks⌉, the last smaller, possibly fewer than <paramref name="chunks"/>.</summary>
    public static OpPartsOutcome Chunk(Dim[] input, long chunks, long dim)
    {
        if (!Valid(input))
        {
            return OpPartsOutcome.Unknown;
        }

        if (input.Length == 0)
        {
            return OpPartsOutcome.Fail(Range, "chunk expects at least a 1-dimensional tensor, but the input is a scalar");
        }

        if (chunks <= 0)
        {
            return OpPartsOutcome.Fail(Argument, $"chunk expects `chunks` to be greater than 0, got: {L(chunks)}");
        }

        if (Wrap(dim, input, "chunk's dim", out var axis) is OpOutcome failure)
        {
            return OpPartsOutcome.From(failure);
        }

        if (input[axis].Known is not long size)
        {
            return OpPartsOutcome.Unknown;
        }

        if (size == 0)
        {
            // Measured: libtorch returns `chunks` empty parts.
            return chunks > MaxParts ? OpPartsOutcome.Unknown : OpPartsOutcome.Of(Repeat(input, axis, 0, (int)chunks));
        }

        var splitSize = (size / chunks) + (size % chunks == 0 ? 0 : 1);
        return SplitEvenly(input, axis, size, splitSize);
    }

    /// <summary><c>split(size, dim)</c>: parts of <paramref name="splitSize"/>, the last smaller.</summary>
    public static OpPartsOutcome Split(Dim[] input, long splitSize, long dim)
    {
        if (!Valid(input))
        {
            return OpPartsOutcome.Unknown;
        }

        if (input.Length == 0)
        {
            return OpPartsOutcome.Fail(Range, "split expects at least a 1-dimensional tensor, but the input is a scalar");
        }

        if (splitSize < 0)
        {
            return OpPartsOutcome.Fail(Argument, $"split expects split_size be non-negative, but got split_size={L(splitSize)}");
        }

        if (Wrap(dim, input, "split's dim", out var axis) is OpOutcome failure)
        {
            return OpPartsOutcome.From(failure);
        }

        if (input[axis].Known is not long size)
        {
            return OpPartsOutcome.Unknown;
        }

        if (splitSize == 0)
        {
            return size == 0
                ? OpPartsOutcome.Of([Copy(input)])
                : OpPartsOutcome.Fail(Mismatch, $"split_size can only be 0 if dimension size is 0, but got dimension size of {L(size)} (dim {axis} of {Dim.Format(input)})");
        }

        return SplitEvenly(input, axis, size, splitSize);
    }

    /// <summary><c>split(sizes, dim)</c> (split_with_sizes): the sizes sum exactly to the dim.</summary>
    public static OpPartsOutcome Split(Dim[] input, IReadOnlyList<long> sizes, long dim)
    {
        if (!Valid(input) || sizes is null)
        {
            return OpPartsOutcome.Unknown;
        }

        if (input.Length == 0)
        {
            return OpPartsOutcome.Fail(Range, "split expects at least a 1-dimensional tensor, but the input is a scalar");
        }

        if (Wrap(dim, input, "split's dim", out var axis) is OpOutcome failure)
        {
            return OpPartsOutcome.From(failure);
        }

        long? sum = 0;
        foreach (var s in sizes)
        {
            if (s < 0)
            {
                return OpPartsOutcome.Fail(Argument, $"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={Torch(sizes)}");
            }

            sum = CheckedMath.Add(sum, s);
        }

        if (input[axis].Known is long size && sum != size)
        {
            return OpPartsOutcome.Fail(Mismatch, $"split_with_sizes expects split_sizes to sum exactly to {L(size)} (input tensor's size at dimension {axis}), but got split_sizes={Torch(sizes)}: {SumText(sizes)} = {(sum is long total ? L(total) : "overflow")}");
        }

        if (sizes.Count > MaxParts)
        {
            return OpPartsOutcome.Unknown;
        }

        var parts = new List<Dim[]>(sizes.Count);
        foreach (var s in sizes)
        {
            var part = Copy(input);
            part[axis] = Dim.Of(s);
            parts.Add(part);
        }

        return OpPartsOutcome.Of(parts);
    }

    private static OpPartsOutcome SplitEvenly(Dim[] input, int axis, long size, long splitSize)
    {
        var count = size == 0 ? 1 : (size / splitSize) + (size % splitSize == 0 ? 0 : 1);
        if (count > MaxParts)
        {
            return OpPartsOutcome.Unknown;
        }

        var parts = new List<Dim[]>((int)count);
        for (long i = 0; i < count; i++)
        {
            var part = Copy(input);
            part[axis] = Dim.Of(i < count - 1 ? splitSize : size - (splitSize * (count - 1)));
            parts.Add(part);
        }

        return OpPartsOutcome.Of(parts);
    }

    // ---- dims -------------------------------------------------------------------------------------------

    /// <summary>libtorch's maybe_wrap_dim: a scalar accepts −1 and 0, as if it had one dim.</summary>
    private static OpOutcome? Wrap(long dim, Dim[] input, string what, out int index) =>
        WrapPositions(dim, input.Length == 0 ? 1 : input.Length, input, what, out index);

    private static OpOutcome? WrapPositions(long dim, int positions, Dim[] input, string what, out int index)
    {
        if (dim < -positions || dim >= positions)
        {
            index = 0;
            return OpOutcome.Fail(Range, $"Dimension out of range (expected to be in range of [{-positions}, {positions - 1}], but got {L(dim)}): {what} on the {input.Length}-d input {Dim.Format(input)}");
        }

        index = (int)(dim < 0 ? dim + positions : dim);
        return null;
    }

    private static bool Valid(Dim[]? dims)
    {
        if (dims is null)
        {
            return false;
        }

        foreach (var d in dims)
        {
            if (d.IsKnown && d.Peek < 0)
            {
                return false;
            }

            if (d.Node is not null)
            {
                // A traced size's sign is a decision of the free-size trace.
                SizeTrace.Decide(SizeStep.Less, d, Dim.Of(0), false);
            }
        }

        return true;
    }

    private static bool AllValid(IReadOnlyList<Dim[]> parts)
    {
        foreach (var part in parts)
        {
            if (!Valid(part))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>When two dims must be equal: the known one (if the op succeeds they are the same), else the first.</summary>
    private static Dim Agree(Dim a, Dim b) => a.IsKnown ? a : b.IsKnown ? b : a.IsSymbol ? a : b;

    /// <summary>One broadcast dim, or null when the two cannot broadcast (both known).</summary>
    private static Dim? BroadcastDim(Dim a, Dim b)
    {
        if (a.IsKnown && b.IsKnown)
        {
            var x = a.Peek;
            var y = b.Peek;
            var result = x == y || y == 1 ? a : x == 1 ? b : (Dim?)null;
            // With a traced size, which operand wins (or that none does) is a decision of the free-size trace.
            var traced = a.Node is null && b.Node is null ? result : SizeTrace.Combine(SizeStep.Broadcast, a, b, result?.Peek ?? 0);
            return result is null ? null : traced;
        }

        if (a.Known == 1)
        {
            return b;
        }

        if (b.Known == 1)
        {
            return a;
        }

        // A known size other than 1 wins: if the op succeeds, the other side is 1 or the same.
        if (a.IsKnown)
        {
            return a;
        }

        if (b.IsKnown)
        {
            return b;
        }

        return a.SameAs(b) ? a : Dim.Unknown;
    }

    /// <summary>The product of dims first..last (inclusive): known, the single symbol times 1, or unknown.</summary>
    private static Dim Product(Dim[] dims, int first, int last)
    {
        long? known = 1;
        Dim? open = null;
        var opens = 0;
        Dim? traced = null;
        for (var i = first; i <= last; i++)
        {
            if (dims[i].IsKnown)
            {
                known = CheckedMath.Mul(known, dims[i].Peek);
                traced = traced is { } before ? SizeTrace.Combine(SizeStep.Multiply, before, dims[i], known ?? 0) : dims[i];
            }
            else
            {
                open = dims[i];
                opens++;
            }
        }

        if (known is not long product)
        {
            return Dim.Unknown;
        }

        if (opens == 0)
        {
            return traced is { Node: not null } follows ? follows : Dim.Of(product);
        }

        if (traced is { Node: not null } && SizeTrace.Recording is { } trace)
        {
            // A traced size times a symbol: what the product is depends on the free size in ways the trace does not follow.
            trace.Break("a traced size multiplied with a symbol");
        }

        if (product == 0)
        {
            return Dim.Of(0);
        }

        return opens == 1 && product == 1 ? open!.Value : Dim.Unknown;
    }

    private static Dim[] Copy(IReadOnlyList<Dim> dims)
    {
        var copy = new Dim[dims.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = dims[i];
        }

        return copy;
    }

    private static Dim[] Slice(Dim[] dims, int start, int count)
    {
        var slice = new Dim[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = dims[start + i];
        }

        return slice;
    }

    private static Dim[] WithInferred(IReadOnlyList<Dim> sizes, int inferred, Dim value)
    {
        var result = Copy(sizes);
        if (inferred >= 0)
        {
            result[inferred] = value;
        }

        return result;
    }

    private static Dim[] Remove(Dim[] dims, int index)
    {
        var result = new Dim[dims.Length - 1];
        for (int i = 0, j = 0; i < dims.Length; i++)
        {
            if (i != index)
            {
                result[j++] = dims[i];
            }
        }

        return result;
    }

    private static Dim[] Insert(Dim[] dims, int index, Dim value)
    {
        var result = new Dim[dims.Length + 1];
        for (int i = 0, j = 0; i < result.Length; i++)
        {
            result[i] = i == index ? value : dims[j++];
        }

        return result;
    }

    private static List<Dim[]> Repeat(Dim[] input, int axis, long size, int count)
    {
        var parts = new List<Dim[]>(count);
        for (var i = 0; i < count; i++)
        {
            var part = Copy(input);
            part[axis] = Dim.Of(size);
            parts.Add(part);
        }

        return parts;
    }

    // ---- text -------------------------------------------------------------------------------------------

    private static string L(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A shape as libtorch prints it: <c>[2, -1, 7]</c>.</summary>
    private static string Torch(IReadOnlyList<Dim> dims)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < dims.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(dims[i].ToString());
        }

        return text.Append(']').ToString();
    }

    private static string Torch(IReadOnlyList<long> values)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(L(values[i]));
        }

        return text.Append(']').ToString();
    }

    private static string Tuple(IReadOnlyList<long> values)
    {
        var text = new StringBuilder("(");
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(L(values[i]));
        }

        return text.Append(')').ToString();
    }

    /// <summary><c>16·5·5</c>; a scalar holds one element.</summary>
    private static string ProductText(IReadOnlyList<Dim> dims)
    {
        if (dims.Count == 0)
        {
            return "1";
        }

        var text = new StringBuilder();
        for (var i = 0; i < dims.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : "·").Append(dims[i].ToString());
        }

        return text.ToString();
    }

    private static string KnownProductText(IReadOnlyList<Dim> sizes, int skip)
    {
        var text = new StringBuilder();
        for (var i = 0; i < sizes.Count; i++)
        {
            if (i != skip && sizes[i].IsKnown)
            {
                text.Append(text.Length == 0 ? string.Empty : "·").Append(sizes[i].ToString());
            }
        }

        return text.Length == 0 ? "1" : text.ToString();
    }

    private static string SumText(IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return "(no sizes)";
        }

        var text = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : " + ").Append(L(values[i]));
        }

        return text.ToString();
    }

    private static string Cancelled(List<string> symbols) =>
        symbols.Count == 0 ? string.Empty : $" ({string.Join(", ", symbols)} on both sides cancel)";
}
