using System.Collections.Generic;

namespace ConvAnalyzers.Arithmetic;

/// <summary>Every way libtorch or TorchSharp rejects (or silently mis-shapes) a conv-family layer.</summary>
public enum Rule
{
    OutputPaddingNotSmaller,
    NonPositiveKernel,
    NonPositiveStride,
    NonPositiveDilation,
    NonPositiveChannels,
    NonPositiveGroups,
    NegativePadding,
    NegativeOutputPadding,
    GroupsDoNotDivideChannels,
    SamePaddingStrided,
    TransposedPaddingMode,
    PoolPaddingTooLarge,
    PaddingModeExceedsInput,
    OutputSizeOutOfRange,
    NonPositiveOutputSize,
    ArithmeticOverflow,
    BrokenInTorchSharp,
    OutputTooSmall,
    ChannelMismatch,
    RankMismatch,
    InvalidFlattenDims,
    InvalidUnflattenArguments,
    UnflattenSizeMismatch,
}

/// <summary>What a rule means for users: its diagnostic ID and the words TorchSharp/libtorch use.</summary>
public sealed class RuleInfo
{
    private RuleInfo(Rule rule, string diagnosticId, string libTorchWords, params string[] messageFamily)
    {
        Rule = rule;
        DiagnosticId = diagnosticId;
        LibTorchWords = libTorchWords;
        MessageFamily = messageFamily;
    }

    public Rule Rule { get; }

    public string DiagnosticId { get; }

    /// <summary>The message users see when the layer runs (the first of the family).</summary>
    public string LibTorchWords { get; }

    /// <summary>
    /// Regular expressions matching every exception message TorchSharp 0.107 / libtorch 2.10 raise for
    /// this rule (measured: different layers and code paths word the same rule differently).
    /// </summary>
    public IReadOnlyList<string> MessageFamily { get; }

    public static RuleInfo Of(Rule rule) => All[(int)rule];

    public static IReadOnlyList<RuleInfo> All { get; } = new[]
    {
        new RuleInfo(Rule.OutputPaddingNotSmaller, "CONV001", "output padding must be smaller than either stride or dilation",
            "output padding must be smaller than either stride or dilation"),
        new RuleInfo(Rule.NonPositiveKernel, "CONV002", "kernel size should be greater than zero",
            "kernel size should be greater than zero", "kernel_size must be greater than zero",
            "from is out of bounds for float", "Trying to create tensor with negative dimension",
            "pad should be at most half of effective kernel size"),
        new RuleInfo(Rule.NonPositiveStride, "CONV002", "non-positive stride is not supported",
            "non-positive stride is not supported", "stride should not be zero", "stride should be greater than zero",
            "stride must be greater than zero"),
        new RuleInfo(Rule.NonPositiveDilation, "CONV002", "dilation should be greater than zero",
            "dilation should be greater than zero", "dilation must be greater than zero", "non-positive dilation is not supported",
            "pad should be at most half of effective kernel size", "negative padding is not supported"),
        new RuleInfo(Rule.NonPositiveChannels, "CONV002", "Trying to create tensor with negative dimension",
            "Trying to create tensor with negative dimension", @"select\(\): index 0 out of range", "from is out of bounds for float",
            "running_mean should contain"),
        new RuleInfo(Rule.NonPositiveGroups, "CONV002", "Attempted to divide by zero.",
            "Attempted to divide by zero", "Trying to create tensor with negative dimension"),
        new RuleInfo(Rule.NegativePadding, "CONV002", "negative padding is not supported",
            "negative padding is not supported", "pad must be non-negative", "padding must be non-negative"),
        new RuleInfo(Rule.NegativeOutputPadding, "CONV002", "negative output_padding is not supported",
            "negative output_padding is not supported"),
        new RuleInfo(Rule.GroupsDoNotDivideChannels, "CONV002", "expected weight to be divisible by groups",
            @"expected input\[[^\]]*\] to have \d+ channels", "expected weight to be divisible by",
            "expected bias to be 1-dimensional", @"expected weight to be at least \d+ at dimension 0", @"select\(\): index 0 out of range"),
        new RuleInfo(Rule.SamePaddingStrided, "CONV002", "padding='same' is not supported for strided convolutions",
            "padding='same' is not supported for strided convolutions"),
        new RuleInfo(Rule.TransposedPaddingMode, "CONV002", "Only PaddingModes.Zeros is supported for ConvTransposeND",
            @"Only PaddingModes\.Zeros is supported for ConvTranspose"),
        new RuleInfo(Rule.PoolPaddingTooLarge, "CONV002", "pad should be smaller than or equal to half of kernel size",
            "pad should be at most half of effective kernel size", "pad should be smaller than or equal to half of kernel size",
            "padding should be at most half of kernel size"),
        new RuleInfo(Rule.PaddingModeExceedsInput, "CONV002", "Padding size should be less than the corresponding input dimension",
            "Padding size should be less than the corresponding input dimension", "Padding value causes wrapping around more than once"),
        new RuleInfo(Rule.OutputSizeOutOfRange, "CONV002", "Requested an output size of ..., but valid sizes range from",
            "but valid sizes range from"),
        new RuleInfo(Rule.NonPositiveOutputSize, "CONV002", "Input and output sizes should be greater than 0",
            "Input and output sizes should be greater than 0", "elements of output_size must be greater than or equal to 0",
            "Trying to create tensor with negative dimension"),
        new RuleInfo(Rule.ArithmeticOverflow, "CONV002", "(no libtorch message: the sizes overflow 64-bit integers)"),
        new RuleInfo(Rule.BrokenInTorchSharp, "CONV002", "Object reference not set to an instance of an object.",
            "Object reference not set to an instance of an object"),
        new RuleInfo(Rule.OutputTooSmall, "CONV003", "Output size is too small",
            "Output size is too small", "Kernel size can't be greater than actual input size", "Invalid computed output size",
            "smaller than kernel size", "Input and output sizes should be greater than 0",
            "elements of output_size must be greater than or equal to 0", "Trying to create tensor with negative dimension",
            "Negative padding value is resulting in an empty dimension", @"narrow\(\): length must be non-negative",
            @"is too small\. Calculated output", "numel: integer multiplication overflow"),
        new RuleInfo(Rule.ChannelMismatch, "CONV004", "expected input to have C channels",
            @"input with \d+ channels to", @"to have \d+ channels", "running_mean should contain", "mat1 and mat2 shapes cannot be multiplied"),
        new RuleInfo(Rule.RankMismatch, "CONV006", "Expected 3D (unbatched) or 4D (batched) input",
            @"Expected \dD \(unbatched\) or \dD \(batched\) input", @"\dD or \dD \(batch mode\) tensor",
            "scale_factor shape must match input shape", "It is expected output_size equals to", @"Expected \d to \d dimensions",
            @"Expected \dD or \dD tensor", @"Only 3D, 4D and 5D input Tensors supported", "Dimension out of range",
            @"expected \dD (or \dD )?input, but got \dD input", "Invalid 'dim' argument"),
        new RuleInfo(Rule.InvalidFlattenDims, "CONV002", "flatten() has invalid args: start_dim cannot come after end_dim",
            "start_dim cannot come after end_dim"),
        new RuleInfo(Rule.InvalidUnflattenArguments, "CONV002", "Invalid 'dim' argument",
            "Invalid 'dim' argument", "unflatten got an unexpected error", "can only specify one unknown dimension"),
        new RuleInfo(Rule.UnflattenSizeMismatch, "CONV004", "unflatten: Provided sizes don't multiply up to the size of dim",
            "don't multiply up to the size of dim"),
    };
}

/// <summary>One broken rule, with a message that shows the arithmetic.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Parameter">The TorchSharp parameter at fault (for the diagnostic's location), if one is.</param>
/// <param name="Dimension">The spatial dimension (0-based), if the rule is per dimension.</param>
/// <param name="Message">What went wrong, in libtorch's words, with the arithmetic.</param>
/// <param name="CausedByCollapse">Raised only because TorchSharp's forward(x) applies output_padding[0] to every dimension.</param>
/// <param name="MayReturnEmpty">libtorch sometimes returns an empty tensor instead of raising (measured for ConvTranspose and adaptive pools with an output size of 0).</param>
/// <param name="Received">For a channel or feature mismatch: what the layer receives (what its parameter should be).</param>
public sealed record Violation(Rule Rule, string? Parameter, int? Dimension, string Message, bool CausedByCollapse = false, bool MayReturnEmpty = false, long? Received = null)
{
    public string DiagnosticId => RuleInfo.Of(Rule).DiagnosticId;
}
