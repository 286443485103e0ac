using ConvAnalyzers.Arithmetic;
using CsCheck;
using Xunit;

namespace ConvAnalyzers.Tests.Arithmetic;

/// <summary>
/// The tensor-op rules by name: what forward bodies do (x.view(x.shape[0], -1), torch.cat of skip connections, ...),
/// with known, symbolic and unknown dims. The same rules run against real TorchSharp in LibTorchTests' TensorOpsOracleTests.
/// </summary>
public sealed class TensorOpsTests
{
    private static readonly Dim N = Dim.Named("N");
    private static readonly Dim M = Dim.Named("M");
    private static readonly Dim U = Dim.Unknown;

    private static Dim[] K(params long[] dims) => Dim.From(dims);

    private static Dim[] S(params Dim[] dims) => dims;

    private static Dim[] Shape(OpOutcome outcome)
    {
        Assert.True(outcome.Shape is not null, "expected a shape, got " + outcome);
        return outcome.Shape!;
    }

    private static OpFailure Failure(OpOutcome outcome, string id, string words)
    {
        Assert.True(outcome.Failure is not null, "expected a failure, got " + outcome);
        Assert.Equal(id, outcome.Failure!.DiagnosticId);
        Assert.Contains(words, outcome.Failure.Message);
        return outcome.Failure;
    }

    private static OpFailure Failure(OpPartsOutcome outcome, string id, string words)
    {
        Assert.True(outcome.Failure is not null, "expected a failure, got " + outcome);
        Assert.Equal(id, outcome.Failure!.DiagnosticId);
        Assert.Contains(words, outcome.Failure.Message);
        return outcome.Failure;
    }

    // ---- view / reshape ----------------------------------------------------------------------------------

    [Fact]
    public void View_of_the_batch_and_minus_one_flattens_the_features()
    {
        Assert.Equal(S(N, 400), Shape(TensorOps.View(S(N, 16, 5, 5), S(N, -1))));
        Assert.Equal(K(2, 400), Shape(TensorOps.View(K(2, 16, 5, 5), K(2, -1))));
    }

    [Fact]
    public void View_with_minus_one_first_infers_the_batch_symbol_when_the_rest_holds_every_other_element()
    {
        // A VAE decoder's x.view(-1, 16, 4, 4) on [N, 256]: the inferred size is N itself.
        Assert.Equal(S(N, 16, 4, 4), Shape(TensorOps.View(S(N, 256), K(-1, 16, 4, 4))));
        // N·512 elements into [-1, 16, 4, 4] would be 2·N: not a symbol the analysis has, so it stays unknown.
        Assert.True(TensorOps.View(S(N, 512), K(-1, 16, 4, 4)).Shape![0].IsUnknown);
    }

    [Fact]
    public void View_with_the_wrong_element_count_fails_in_TorchSharps_words_with_the_arithmetic()
    {
        var failure = Failure(TensorOps.View(K(4, 25), K(2, -1, 7)), "CONV004", "shape '[2, -1, 7]' is invalid for input of size 100");
        Assert.Contains("4·25 = 100", failure.Message);
        Assert.Contains("2·7 = 14", failure.Message);
        Failure(TensorOps.View(K(4, 25), K(3, 5)), "CONV004", "shape '[3, 5]' is invalid for input of size 100");
    }

    [Fact]
    public void View_keeps_a_cancelled_batch_symbol_in_the_failure()
    {
        var failure = Failure(TensorOps.View(S(N, 16, 5, 5), S(N, -1, 7)), "CONV004", "is invalid for input of size N·400");
        Assert.Contains("N·16·5·5", failure.Message);
    }

    [Fact]
    public void View_rejects_two_inferred_sizes_and_sizes_below_minus_one()
    {
        Failure(TensorOps.View(K(4, 25), K(-1, -1)), "CONV002", "only one dimension can be inferred");
        Failure(TensorOps.View(K(4, 25), K(-2, 50)), "CONV002", "invalid shape dimension -2 at index 0 of shape [-2, 50]");
    }

    [Fact]
    public void View_of_zero_elements_with_minus_one_is_ambiguous()
    {
        Failure(TensorOps.View(K(0, 25), K(0, -1)), "CONV004", "cannot reshape tensor of 0 elements");
        Assert.Equal(K(0, 5), Shape(TensorOps.View(K(0, 25), K(-1, 5))));
    }

    [Fact]
    public void View_that_cannot_be_proven_claims_only_the_sizes_asked_for()
    {
        Assert.Equal(S(U, 4), Shape(TensorOps.View(S(U, 16), K(-1, 4))));
        Assert.Equal(S(U), Shape(TensorOps.View(S(N, 16), K(-1))));
        Assert.Equal(K(3, 7), Shape(TensorOps.View(S(M, 16), K(3, 7))));
        Assert.Equal(S(M, U), Shape(TensorOps.View(S(N, 16), S(M, -1))));
    }

    [Fact]
    public void View_of_a_scalar_and_to_a_scalar()
    {
        Assert.Equal(K(1), Shape(TensorOps.View(K(), K(-1))));
        Assert.Empty(Shape(TensorOps.View(K(1), K())));
        Failure(TensorOps.View(K(2), K()), "CONV004", "shape '[]' is invalid for input of size 2");
    }

    [Fact]
    public void View_of_overflowing_sizes_is_unknown_not_an_exception()
    {
        Assert.Equal(S(U), Shape(TensorOps.View(K(long.MaxValue, 4), K(-1))));
        var huge = Shape(TensorOps.View(K(3), K(-1, long.MaxValue, long.MaxValue, 2)));
        Assert.Equal(S(U, long.MaxValue, long.MaxValue, 2), huge);
    }

    // ---- flatten / unflatten -----------------------------------------------------------------------------

    [Fact]
    public void Flatten_defaults_and_nn_Flatten_defaults()
    {
        Assert.Equal(K(120), Shape(TensorOps.Flatten(K(2, 3, 4, 5))));
        Assert.Equal(K(2, 60), Shape(TensorOps.Flatten(K(2, 3, 4, 5), 1, -1)));
        Assert.Equal(S(N, 60), Shape(TensorOps.Flatten(S(N, 3, 4, 5), 1)));
        Assert.Equal(S(N, U), Shape(TensorOps.Flatten(S(N, 3, U, 5), 1)));
        Assert.Equal(S(N), Shape(TensorOps.Flatten(S(1, N, 1), 0)));
    }

    [Fact]
    public void Flatten_of_a_scalar_is_one_element()
    {
        Assert.Equal(K(1), Shape(TensorOps.Flatten(K())));
        Failure(TensorOps.Flatten(K(), 1), "CONV006", "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
    }

    [Fact]
    public void Flatten_checks_the_range_then_the_order_after_wrapping_negative_dims()
    {
        Failure(TensorOps.Flatten(K(2, 3, 4, 5), 4, 1), "CONV006", "Dimension out of range (expected to be in range of [-4, 3], but got 4)");
        Failure(TensorOps.Flatten(K(2, 3, 4, 5), -1, 1), "CONV002", "start_dim cannot come after end_dim");
        Assert.Equal(K(2, 3, 4, 5), Shape(TensorOps.Flatten(K(2, 3, 4, 5), 1, -3)));
    }

    [Fact]
    public void Flatten_of_an_overflowing_product_is_an_unknown_dim()
    {
        Assert.Equal(S(U), Shape(TensorOps.Flatten(K(1L << 40, 1L << 40))));
    }

    [Fact]
    public void Unflatten_splits_a_dim_and_infers_minus_one()
    {
        Assert.Equal(K(2, 3, 4), Shape(TensorOps.Unflatten(K(2, 12), 1, K(3, 4))));
        Assert.Equal(K(2, 3, 4), Shape(TensorOps.Unflatten(K(2, 12), 1, K(-1, 4))));
        Assert.Equal(S(N, 16, 7, 7), Shape(TensorOps.Unflatten(S(N, 784), 1, K(16, 7, 7))));
        Assert.Equal(S(N, U, 4), Shape(TensorOps.Unflatten(S(N, U), 1, K(-1, 4))));
    }

    [Fact]
    public void Unflatten_in_TorchSharp_rejects_negative_dims_and_sizes_that_do_not_multiply_up()
    {
        Failure(TensorOps.Unflatten(K(2, 12), -1, K(3, 4)), "CONV002", "Invalid 'dim' argument: -1");
        Failure(TensorOps.Unflatten(K(2, 12), 2, K(3, 4)), "CONV006", "Invalid 'dim' argument: 2");
        Failure(TensorOps.Unflatten(K(2, 12), 1, K()), "CONV002", "The number of output sizes is zero");
        Failure(TensorOps.Unflatten(K(2, 12), 1, K(-1, -1)), "CONV002", "unflatten got an unexpected error");
        Failure(TensorOps.Unflatten(K(2, 12), 1, K(5, 4)), "CONV004", "Provided sizes [5, 4] don't multiply up to the size of dim 1 (12)");
        Failure(TensorOps.Unflatten(K(2, 12), 1, K(5, -1)), "CONV004", "don't multiply up");
    }

    // ---- permute / transpose / squeeze / unsqueeze -------------------------------------------------------

    [Fact]
    public void Permute_moves_channels_last_with_negative_dims()
    {
        Assert.Equal(S(N, 5, 7, 3), Shape(TensorOps.Permute(S(N, 3, 5, 7), [0, 2, -1, 1])));
        Failure(TensorOps.Permute(K(2, 3, 4), [0, 0, 1]), "CONV002", "duplicate dims are not allowed");
        Failure(TensorOps.Permute(K(2, 3, 4), [0, -3, 1]), "CONV002", "duplicate dims");
        Failure(TensorOps.Permute(K(2, 3, 4), [0, 1]), "CONV006", "input.dim() = 3 is not equal to len(dims) = 2");
        Failure(TensorOps.Permute(K(2, 3, 4), [0, 1, -4]), "CONV006", "Dimension out of range (expected to be in range of [-3, 2], but got -4)");
        Assert.Empty(Shape(TensorOps.Permute(K(), [])));
    }

    [Fact]
    public void Transpose_swaps_and_checks_both_dims()
    {
        Assert.Equal(S(N, 7, 5), Shape(TensorOps.Transpose(S(N, 5, 7), -1, 1)));
        Failure(TensorOps.Transpose(K(2, 3, 4), 0, 3), "CONV006", "Dimension out of range (expected to be in range of [-3, 2], but got 3)");
        Assert.Empty(Shape(TensorOps.Transpose(K(), 0, -1)));
        Failure(TensorOps.Transpose(K(), 0, 1), "CONV006", "[-1, 0], but got 1");
    }

    [Fact]
    public void Squeeze_drops_ones_and_is_unknown_when_a_dim_might_be_one()
    {
        Assert.Equal(K(3, 4), Shape(TensorOps.Squeeze(K(1, 3, 1, 4), null)));
        Assert.True(TensorOps.Squeeze(S(N, 1, 4), null).IsUnknown);
        Assert.Equal(S(N, 4), Shape(TensorOps.Squeeze(S(N, 1, 4), 1)));
        Assert.Equal(S(N, 3, 4), Shape(TensorOps.Squeeze(S(N, 3, 4), -2)));
        Assert.True(TensorOps.Squeeze(S(N, 3, 4), 0).IsUnknown);
        Failure(TensorOps.Squeeze(K(1, 3, 1, 4), 4), "CONV006", "[-4, 3], but got 4");
        Assert.Empty(Shape(TensorOps.Squeeze(K(), 0)));
    }

    [Fact]
    public void Unsqueeze_ranges_over_one_more_position()
    {
        Assert.Equal(K(2, 3, 1), Shape(TensorOps.Unsqueeze(K(2, 3), 2)));
        Assert.Equal(S(1, N, 3), Shape(TensorOps.Unsqueeze(S(N, 3), -3)));
        Failure(TensorOps.Unsqueeze(K(2, 3), 3), "CONV006", "Dimension out of range (expected to be in range of [-3, 2], but got 3)");
        Assert.Equal(K(1), Shape(TensorOps.Unsqueeze(K(), -1)));
    }

    // ---- reductions --------------------------------------------------------------------------------------

    [Fact]
    public void Reductions_with_dims_and_keepdim()
    {
        Assert.Equal(S(N, 64), Shape(TensorOps.Reduce(S(N, 64, 7, 7), [2, 3], keepdim: false)));
        Assert.Equal(S(N, 64, 1, 1), Shape(TensorOps.Reduce(S(N, 64, 7, 7), [-1, -2], keepdim: true)));
        Assert.Empty(Shape(TensorOps.Reduce(K(2, 3, 4), null, keepdim: false)));
        Assert.Equal(K(1, 1, 1), Shape(TensorOps.Reduce(K(2, 3, 4), [], keepdim: true)));
        Assert.Empty(Shape(TensorOps.Reduce(K(), [0], keepdim: true)));
    }

    [Fact]
    public void Reductions_reject_repeated_and_out_of_range_dims_and_max_of_an_empty_dim()
    {
        Failure(TensorOps.Reduce(K(2, 3, 4), [1, -2], keepdim: false), "CONV002", "dim 1 appears multiple times in the list of dims");
        Failure(TensorOps.Reduce(K(2, 3, 4), [3], keepdim: false), "CONV006", "[-3, 2], but got 3");

        // Found by the oracle: libtorch wraps every dim before it looks for repeats.
        Failure(TensorOps.Reduce(K(1, 1, 4, 6), [1, -3, -5], keepdim: true), "CONV006", "[-4, 3], but got -5");
        Failure(TensorOps.Reduce(K(3, 4, 5), [-2, -2, 4], keepdim: true, ReductionKind.Moment), "CONV002", "dim 1 appears multiple times");
        Failure(TensorOps.Reduce(K(2, 0, 4), [1], keepdim: false, kind: ReductionKind.Extremum), "CONV004", "Expected reduction dim 1 to have non-zero size");
        Assert.Equal(K(2, 4), Shape(TensorOps.Reduce(K(2, 0, 4), [1], keepdim: false)));
        Failure(TensorOps.Reduce(K(2, 0, 4), null, keepdim: false, kind: ReductionKind.Extremum), "CONV004", "input.numel() == 0");
    }

    // ---- cat / stack / broadcasting ----------------------------------------------------------------------

    [Fact]
    public void Cat_of_a_UNet_skip_connection_adds_the_channels()
    {
        Assert.Equal(S(N, 192, 32, 32), Shape(TensorOps.Cat([S(N, 64, 32, 32), S(N, 128, 32, 32)], 1)));
        Assert.Equal(S(N, U, 32, 32), Shape(TensorOps.Cat([S(N, 64, 32, 32), S(N, U, 32, 32)], 1)));
        Assert.Equal(S(U, 3), Shape(TensorOps.Cat([S(N, 3), S(N, 3)], 0)));
    }

    [Fact]
    public void Cat_of_an_odd_sized_skip_connection_fails_with_the_differing_dim()
    {
        var failure = Failure(TensorOps.Cat([K(2, 64, 32, 32), K(2, 64, 31, 31)], 1), "CONV010",
            "Sizes of tensors must match except in dimension 1. Expected size 32 but got size 31 for tensor number 1 in the list.");
        Assert.Contains("cat along dim 1 joins [2,64,32,32] and [2,64,31,31]: they differ in dim 2 (32 vs 31)", failure.Message);
        Failure(TensorOps.Cat([K(2, 3), K(2, 3), K(3, 3)], 1), "CONV010", "tensor number 2 in the list");
    }

    [Fact]
    public void Cat_never_fails_on_an_unknown_or_symbolic_dim()
    {
        Assert.Equal(S(2, 128, 32, 32), Shape(TensorOps.Cat([S(2, 64, U, 32), S(2, 64, 32, 32)], 1)));
        // If the cat succeeds, N is 5.
        Assert.Equal(K(5, 6), Shape(TensorOps.Cat([S(N, 3), S(5, 3)], 1)));
    }

    [Fact]
    public void Cat_ranks_dims_scalars_and_TorchSharps_single_tensor_shortcut()
    {
        Failure(TensorOps.Cat([K(2, 3, 4), K(2, 3)], 1), "CONV010", "Tensors must have same number of dimensions: got 3 and 2");
        Failure(TensorOps.Cat([K(2, 3), K(2, 3)], 2), "CONV006", "[-2, 1], but got 2");
        Failure(TensorOps.Cat([K(), K()], 0), "CONV006", "zero-dimensional tensor (at position 0) cannot be concatenated");
        Failure(TensorOps.Cat([], 0), "CONV002", "empty");
        Assert.Equal(K(2, 3), Shape(TensorOps.Cat([K(2, 3)], 5)));
        Assert.Equal(K(2, 3), Shape(TensorOps.Cat([K(0), K(2, 3)], 1)));
    }

    [Fact]
    public void Stack_inserts_the_count_and_needs_equal_shapes()
    {
        Assert.Equal(S(N, 2, 3), Shape(TensorOps.Stack([S(N, 3), S(N, 3)], 1)));
        Assert.Equal(K(2, 3, 2), Shape(TensorOps.Stack([K(2, 3), K(2, 3)], -1)));
        Failure(TensorOps.Stack([K(2, 3), K(2, 3), K(2, 4)], 0), "CONV010", "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 2");
        Failure(TensorOps.Stack([K(2, 3), K(2, 3)], 3), "CONV006", "[-3, 2], but got 3");
        Failure(TensorOps.Stack([], 0), "CONV002", "stack expects a non-empty TensorList");
        Assert.Equal(K(2), Shape(TensorOps.Stack([K(), K()], 0)));
    }

    [Fact]
    public void Broadcasting_aligns_from_the_right_and_reports_the_last_mismatch()
    {
        Assert.Equal(K(2, 3, 4), Shape(TensorOps.Broadcast(K(2, 1, 4), K(3, 1))));
        Failure(TensorOps.Broadcast(K(2, 64, 32, 32), K(2, 64, 32, 31)), "CONV010", "The size of tensor a (32) must match the size of tensor b (31) at non-singleton dimension 3");
        Failure(TensorOps.Broadcast(K(3, 5), K(2, 4)), "CONV010", "at non-singleton dimension 1");
        Failure(TensorOps.Broadcast(K(2, 3), K(4, 2, 4)), "CONV010", "tensor a (3) must match the size of tensor b (4) at non-singleton dimension 2");
    }

    [Fact]
    public void Broadcasting_with_symbols_and_unknowns()
    {
        Assert.Equal(S(N, 3), Shape(TensorOps.Broadcast(S(N, 3), K(1, 3))));
        Assert.Equal(S(N, 3), Shape(TensorOps.Broadcast(S(N, 3), S(N, 3))));
        Assert.Equal(S(U, 3), Shape(TensorOps.Broadcast(S(N, 3), S(M, 3))));
        Assert.Equal(S(5, 3), Shape(TensorOps.Broadcast(S(N, 3), K(5, 3))));
        Assert.Equal(S(U, 3), Shape(TensorOps.Broadcast(S(U, 3), S(N, 1))));
    }

    // ---- matmul ------------------------------------------------------------------------------------------

    [Fact]
    public void MatMul_of_every_rank_combination()
    {
        Assert.Empty(Shape(TensorOps.MatMul(K(3), K(3))));
        Assert.Equal(K(2), Shape(TensorOps.MatMul(K(2, 3), K(3))));
        Assert.Equal(K(5), Shape(TensorOps.MatMul(K(3), K(3, 5))));
        Assert.Equal(K(2, 5), Shape(TensorOps.MatMul(K(2, 3), K(3, 5))));
        Assert.Equal(S(N, 2, 5), Shape(TensorOps.MatMul(S(N, 2, 3), K(3, 5))));
        Assert.Equal(K(7, 2, 5), Shape(TensorOps.MatMul(K(2, 3), K(7, 3, 5))));
        Assert.Equal(K(4, 7, 2, 5), Shape(TensorOps.MatMul(K(4, 1, 2, 3), K(7, 3, 5))));
        Assert.Equal(K(7, 5), Shape(TensorOps.MatMul(K(3), K(7, 3, 5))));
        Assert.Equal(K(7, 2), Shape(TensorOps.MatMul(K(7, 2, 3), K(3))));
    }

    [Fact]
    public void MatMul_mismatches_in_the_words_of_the_kernel_libtorch_picks()
    {
        Failure(TensorOps.MatMul(K(3), K(4)), "CONV004", "inconsistent tensor size, expected tensor [3] and src [4]");
        Failure(TensorOps.MatMul(K(2, 3), K(4)), "CONV004", "size mismatch, got input (2), mat (2x3), vec (4)");
        Failure(TensorOps.MatMul(K(3), K(4, 5)), "CONV004", "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)");
        Failure(TensorOps.MatMul(K(7, 2, 3), K(4, 5)), "CONV004", "mat1 and mat2 shapes cannot be multiplied (14x3 and 4x5)");
        Failure(TensorOps.MatMul(K(2, 3), K(2, 5, 4, 4)), "CONV004", "Expected size for first two dimensions of batch2 tensor to be: [10, 3] but got: [10, 4].");
        Failure(TensorOps.MatMul(K(6, 2, 3), K(7, 4, 5)), "CONV004", "The size of tensor a (6) must match the size of tensor b (7) at non-singleton dimension 0");
        Failure(TensorOps.MatMul(K(), K(3)), "CONV006", "both arguments to matmul need to be at least 1D, but they are 0D and 1D");
        Assert.Equal(S(N, 2, 5), Shape(TensorOps.MatMul(S(N, 2, U), K(4, 5))));
    }

    // ---- chunk / split -----------------------------------------------------------------------------------

    [Fact]
    public void Chunk_uses_ceil_division_and_may_return_fewer_parts()
    {
        Assert.Equal([K(2, 4), K(2, 4), K(2, 2)], TensorOps.Chunk(K(2, 10), 3, 1).Parts!);
        Assert.Equal(3, TensorOps.Chunk(K(2, 6), 4, 1).Parts!.Count);
        Assert.Equal(3, TensorOps.Chunk(K(2, 0), 3, 1).Parts!.Count);
        Assert.Equal([S(N, 3), S(N, 3)], TensorOps.Chunk(S(N, 6), 2, -1).Parts!);
        Assert.True(TensorOps.Chunk(S(2, N), 2, 1).IsUnknown);
        Failure(TensorOps.Chunk(K(2, 6), 0, 1), "CONV002", "chunk expects `chunks` to be greater than 0, got: 0");
        Failure(TensorOps.Chunk(K(), 2, 0), "CONV006", "chunk expects at least a 1-dimensional tensor");
        Failure(TensorOps.Chunk(K(2, 6), 2, 2), "CONV006", "[-2, 1], but got 2");
    }

    [Fact]
    public void Split_by_size_and_by_sizes()
    {
        Assert.Equal([K(2, 3), K(2, 3), K(2, 3), K(2, 1)], TensorOps.Split(K(2, 10), 3, 1).Parts!);
        Assert.Equal([K(2, 10)], TensorOps.Split(K(2, 10), 20, 1).Parts!);
        Assert.Equal([K(2, 3), K(2, 7)], TensorOps.Split(K(2, 10), [3L, 7L], 1).Parts!);
        Failure(TensorOps.Split(K(2, 10), 0, 1), "CONV004", "split_size can only be 0 if dimension size is 0");
        Failure(TensorOps.Split(K(2, 10), -1, 1), "CONV002", "split expects split_size be non-negative");
        Failure(TensorOps.Split(K(2, 10), [3L, 6L], 1), "CONV004", "split_with_sizes expects split_sizes to sum exactly to 10 (input tensor's size at dimension 1), but got split_sizes=[3, 6]");
        Failure(TensorOps.Split(K(2, 10), [-1L, 11L], 1), "CONV002", "only non-negative entries");
        Assert.Equal(2, TensorOps.Split(S(2, U), [3L, 7L], 1).Parts!.Count);
    }

    [Fact]
    public void Chunk_and_split_into_absurdly_many_parts_are_unknown()
    {
        Assert.True(TensorOps.Split(K(long.MaxValue), 1, 0).IsUnknown);
        Assert.True(TensorOps.Chunk(K(0), long.MaxValue, 0).IsUnknown);
        Assert.Equal(10, TensorOps.Chunk(K(10), long.MaxValue, 0).Parts!.Count);
    }

    // ---- interpolate / pad -------------------------------------------------------------------------------

    [Fact]
    public void Interpolate_by_size_and_by_scale_floors()
    {
        Assert.Equal(K(2, 3, 5, 7), Shape(TensorOps.Interpolate(K(2, 3, 8, 8), [5, 7], null)));
        Assert.Equal(K(2, 3, 10, 4), Shape(TensorOps.Interpolate(K(2, 3, 7, 9), null, [1.5, 0.5])));
        Assert.Equal(K(1, 1, 2), Shape(TensorOps.Interpolate(K(1, 1, 10), null, [0.29])));
        Assert.Equal(S(N, 3, 14, U), Shape(TensorOps.Interpolate(S(N, 3, 7, U), null, [2.0, 2.0])));
    }

    [Fact]
    public void Interpolate_in_TorchSharp_needs_one_scale_per_spatial_dim()
    {
        Failure(TensorOps.Interpolate(K(2, 3, 7, 9), null, [2.0]), "CONV006", "scale_factor shape must match input shape. Input is 2D, scale_factor size is [2]");
        Failure(TensorOps.Interpolate(K(2, 3, 7, 9), [4], null), "CONV006", "It is expected output_size equals to 2, but got size 1");
        Failure(TensorOps.Interpolate(K(3, 7), null, [2.0]), "CONV006", "Only 3D, 4D and 5D input Tensors supported (got 2D)");
        Failure(TensorOps.Interpolate(K(2, 3, 7, 9), null, null), "CONV002", "either size or scale_factor should be defined");
        Failure(TensorOps.Interpolate(K(2, 3, 7, 9), [4, 4], [2.0, 2.0]), "CONV002", "only one of size or scale_factor should be defined");
        Failure(TensorOps.Interpolate(K(2, 3, 7, 9), null, [0.1, 1.0]), "CONV004", "Input and output sizes should be greater than 0, but got input (H: 7, W: 9) output (H: 0, W: 9)");
        Failure(TensorOps.Interpolate(K(2, 3, 7, 9), [0, 4], null), "CONV002", "Input and output sizes should be greater than 0");
        Assert.True(TensorOps.Interpolate(K(2, 3, 7, 9), null, [1e300, 1.0]).IsUnknown);
    }

    [Fact]
    public void Pad_pairs_from_the_last_dim_and_crops_with_negative_values()
    {
        Assert.Equal(K(2, 3, 4, 8), Shape(TensorOps.Pad(K(2, 3, 4, 5), [1, 2])));
        Assert.Equal(K(2, 3, 11, 8), Shape(TensorOps.Pad(K(2, 3, 4, 5), [1, 2, 3, 4])));
        Assert.Equal(K(2, 3, 4, 0), Shape(TensorOps.Pad(K(2, 3, 4, 5), [-2, -3])));
        Assert.Equal(S(N, 3, U, 7), Shape(TensorOps.Pad(S(N, 3, U, 5), [1, 1, 1, 1])));
        Failure(TensorOps.Pad(K(2, 3, 4, 5), [-3, -3]), "CONV004", "narrow(): length must be non-negative.");
        Failure(TensorOps.Pad(K(2, 3, 4, 5), [1, 2, 3]), "CONV002", "Padding length must be divisible by 2");
        Failure(TensorOps.Pad(K(2, 3, 4, 5), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), "CONV006", "padding length 10 and input of dimension 4");
        Assert.True(TensorOps.Pad(K(2, 3), [long.MaxValue, 1]).IsUnknown);
    }

    [Fact]
    public void Pad_crops_before_it_pads()
    {
        // Measured: libtorch narrows by the negative pads first, so -2 on a size-1 dim fails although 1 - 2 + 2 = 1.
        Failure(TensorOps.Pad(K(2, 1, 1), [0, 0, -2, 2]), "CONV004", "narrow(): length must be non-negative.");
    }

    [Fact]
    public void Padding_layers_by_mode()
    {
        Assert.Equal(K(2, 3, 6, 7), Shape(TensorOps.PadLayer(K(2, 3, 4, 5), [1, 1, 1, 1], 2)));
        Assert.Equal(K(6, 7), Shape(TensorOps.PadLayer(K(4, 5), [1, 1, 1, 1], 2, PaddingMode.Zeros)));
        Assert.Equal(K(2, 3, 10, 11), Shape(TensorOps.PadLayer(K(2, 3, 4, 5), [3, 3, 3, 3], 2, PaddingMode.Reflect)));
        Failure(TensorOps.PadLayer(K(2, 3, 4, 5), [4, 4, 4, 4], 2, PaddingMode.Reflect), "CONV004", "Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at dimension 2 of input [2, 3, 4, 5]");
        Failure(TensorOps.PadLayer(K(4, 5), [1, 1, 1, 1], 2, PaddingMode.Reflect), "CONV006", "Padding size 4 is not supported for 2D input tensor");
        Assert.Equal(K(2, 3, 22, 23), Shape(TensorOps.PadLayer(K(2, 3, 4, 5), [9, 9, 9, 9], 2, PaddingMode.Replicate)));
        Assert.Equal(K(2, 3, 4, 0), Shape(TensorOps.PadLayer(K(2, 3, 4, 5), [-2, -3, 0, 0], 2, PaddingMode.Replicate)));
        Failure(TensorOps.PadLayer(K(5, 1, 1), [3, -4], 1, PaddingMode.Replicate), "CONV004", "input (W: 1) is too small. Calculated output W: 0");
        Assert.True(TensorOps.PadLayer(K(2, 3, 4, 5), [1, 1, 1, 1], 2, PaddingMode.Circular).IsUnknown);
    }

    // ---- pixel shuffle / norms / softmax -----------------------------------------------------------------

    [Fact]
    public void PixelShuffle_and_unshuffle_move_channels_into_space()
    {
        Assert.Equal(S(N, 3, 6, 8), Shape(TensorOps.PixelShuffle(S(N, 12, 3, 4), 2)));
        Assert.Equal(S(N, 12, 2, 3), Shape(TensorOps.PixelUnshuffle(S(N, 3, 4, 6), 2)));
        Failure(TensorOps.PixelShuffle(K(2, 10, 3, 4), 2), "CONV004", "input.size(-3)=10 is not divisible by 4");
        Failure(TensorOps.PixelShuffle(K(3, 4), 2), "CONV006", "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)");
        Failure(TensorOps.PixelShuffle(K(2, 12, 3, 4), 0), "CONV002", "pixel_shuffle expects a positive upscale_factor, but got 0");
        Failure(TensorOps.PixelUnshuffle(K(2, 3, 5, 6), 2), "CONV004", "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 is not divisible by 2");
        Failure(TensorOps.PixelUnshuffle(K(2, 3, 4, 5), 2), "CONV004", "width");
        Assert.True(TensorOps.PixelShuffle(K(2, 12, 3, 4), 1L << 32).IsUnknown);
    }

    [Fact]
    public void GroupNorm_checks_groups_then_divisibility_then_channels()
    {
        Assert.Equal(S(N, 8, 5, 5), Shape(TensorOps.GroupNorm(S(N, 8, 5, 5), 4, 8)));
        Failure(TensorOps.GroupNorm(K(2, 8, 5, 5), 3, 8), "CONV004", "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 8, 5, 5] and num_groups=3");
        Failure(TensorOps.GroupNorm(K(2, 16, 5, 5), 4, 8), "CONV004", "Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [8] and input of shape [2, 16, 5, 5]");
        Failure(TensorOps.GroupNorm(K(2, 8), 4, 8), "CONV006", "Invalid number of dimensions for GroupNorm argument: 2");
        Assert.Equal(K(2, 8), Shape(TensorOps.GroupNorm(K(2, 8), 4, null)));
        Failure(TensorOps.GroupNorm(K(2, 8, 5), 0, 8), "CONV002", "Expected num groups to be greater than 0, got 0");
        Failure(TensorOps.GroupNorm(K(2, 8, 5), 2, -8), "CONV002", "Trying to create tensor with negative dimension -8");
        Assert.Equal(S(N, U, 5), Shape(TensorOps.GroupNorm(S(N, U, 5), 3, 8)));
    }

    [Fact]
    public void InstanceNorm_takes_batched_or_unbatched_input_and_checks_features()
    {
        Assert.Equal(K(2, 8, 5, 5), Shape(TensorOps.InstanceNorm(K(2, 8, 5, 5), 8, 2)));
        Assert.Equal(K(8, 5, 5), Shape(TensorOps.InstanceNorm(K(8, 5, 5), 8, 2)));
        Failure(TensorOps.InstanceNorm(K(2, 6, 5, 5), 8, 2), "CONV004", "expected input's size at dim=1 to match num_features (8), but got: 6.");
        Failure(TensorOps.InstanceNorm(K(2, 8, 5), 8, 2), "CONV004", "expected input's size at dim=0 to match num_features (8), but got: 2.");
        Failure(TensorOps.InstanceNorm(K(2, 8, 5, 5, 5), 8, 2), "CONV006", "expected 3D or 4D input, but got 5D input.");
        Assert.Equal(K(2, 8), Shape(TensorOps.InstanceNorm(K(2, 8), null, 0)));
        Failure(TensorOps.InstanceNorm(K(8), null, 0), "CONV006", "Dimension out of range");
    }

    [Fact]
    public void LayerNorm_needs_the_trailing_dims()
    {
        Assert.Equal(S(N, 3, 64), Shape(TensorOps.LayerNorm(S(N, 3, 64), [64])));
        Assert.Equal(S(N, U, 64), Shape(TensorOps.LayerNorm(S(N, U, 64), [3, 64])));
        Failure(TensorOps.LayerNorm(K(2, 3, 32), [64]), "CONV004", "Given normalized_shape=[64], expected input with shape [*, 64], but got input of size[2, 3, 32]");
        Failure(TensorOps.LayerNorm(K(2, 3, 32), [2, 2, 3, 32]), "CONV004", "expected input with shape [*, 2, 2, 3, 32]");
        Failure(TensorOps.LayerNorm(K(2, 3, 32), []), "CONV002", "Expected normalized_shape to be at least 1-dimensional");
        Failure(TensorOps.LayerNorm(K(2, 3, 32), [-1]), "CONV002", "negative dimension");
    }

    [Fact]
    public void Softmax_keeps_the_shape_and_checks_the_dim()
    {
        Assert.Equal(S(N, 10), Shape(TensorOps.Softmax(S(N, 10), -1)));
        Failure(TensorOps.Softmax(K(2, 3), 2), "CONV006", "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
        Assert.Empty(Shape(TensorOps.Softmax(K(), -1)));
    }

    [Fact]
    public void Negative_input_dims_claim_nothing()
    {
        Assert.True(TensorOps.View(K(-2, 3), K(-1)).IsUnknown);
        Assert.True(TensorOps.Cat([K(2, 3), K(2, -3)], 1).IsUnknown);
        Assert.True(TensorOps.Chunk(K(-4), 2, 0).IsUnknown);
    }

    // ---- no exception, whatever the input ----------------------------------------------------------------

    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<Dim> AnyDim = Gen.OneOf(
        Gen.Long[-3, 8].Select(Dim.Of),
        Gen.Long.Select(Dim.Of),
        Pick(long.MaxValue, long.MinValue, 1L << 32, -1L).Select(Dim.Of),
        Gen.Const(Dim.Unknown),
        Pick("N", "M").Select(Dim.Named));

    private static readonly Gen<Dim[]> AnyShape = AnyDim.Array[0, 6];

    private static readonly Gen<long> AnyLong = Gen.OneOf(Gen.Long[-8, 8], Gen.Long, Pick(long.MaxValue, long.MinValue, 1L << 32));

    private static readonly Gen<double> AnyDouble = Gen.OneOf(Gen.Double[-4, 4], Gen.Double, Pick(double.NaN, double.PositiveInfinity, 1e300, 0.0, -0.0));

    private static void NoNegativeDims(Dim[]? shape)
    {
        if (shape is not null)
        {
            Assert.All(shape, d => Assert.True(d.Known is not long v || v >= 0, "negative dim in " + Dim.Format(shape)));
        }
    }

    [Fact]
    public void No_op_throws_or_returns_a_negative_dim_for_any_input()
    {
        Gen.Select(AnyShape, AnyShape, AnyLong.Array[0, 7], AnyLong, AnyLong, AnyDouble.Array[0, 4], Gen.Bool).Sample((a, b, longs, x, y, doubles, flag) =>
        {
            foreach (var outcome in new[]
            {
                TensorOps.View(a, b), TensorOps.Flatten(a, x, y), TensorOps.Unflatten(a, x, b), TensorOps.Permute(a, longs),
                TensorOps.Transpose(a, x, y), TensorOps.Squeeze(a, flag ? null : x), TensorOps.Unsqueeze(a, x),
                TensorOps.Reduce(a, flag ? null : longs, flag, (ReductionKind)(x & 3)), TensorOps.Cat([a, b], x), TensorOps.Cat([a], x), TensorOps.Stack([a, b, a], x),
                TensorOps.Broadcast(a, b), TensorOps.MatMul(a, b), TensorOps.Interpolate(a, flag ? longs : null, flag ? null : doubles),
                TensorOps.Interpolate(a, longs, doubles), TensorOps.Pad(a, longs), TensorOps.PixelShuffle(a, x), TensorOps.PixelUnshuffle(a, x),
                TensorOps.GroupNorm(a, x, flag ? null : y), TensorOps.InstanceNorm(a, flag ? null : x, (int)(y & 3)), TensorOps.LayerNorm(a, longs),
                TensorOps.Softmax(a, x), TensorOps.PadLayer(a, longs, (int)(x & 3), (PaddingMode)(y & 7)),
            })
            {
                NoNegativeDims(outcome.Shape);
                Assert.True(outcome.Shape is null || outcome.Failure is null);
            }

            foreach (var parts in new[] { TensorOps.Chunk(a, x, y), TensorOps.Split(a, x, y), TensorOps.Split(a, longs, y) })
            {
                Assert.True(parts.Parts is null || parts.Parts.Count <= TensorOps.MaxParts);
                foreach (var part in parts.Parts ?? [])
                {
                    NoNegativeDims(part);
                }
            }
        }, iter: 20000);
    }
}
