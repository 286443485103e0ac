using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Diagnostics;

/// <summary>The diagnostic IDs: a contract users configure severities against.</summary>
public static class RuleIdentifiers
{
    public const string ShapeTrace = "CONV000";
    public const string OutputPaddingNotSmaller = "CONV001";
    public const string InvalidHyperparameter = "CONV002";
    public const string EmptyOutput = "CONV003";
    public const string ChannelMismatch = "CONV004";
    public const string DecoderMismatch = "CONV005";
    public const string RankMismatch = "CONV006";
    public const string TupleOutputPaddingCollapses = "CONV007";
    public const string EncoderDropsRows = "CONV008";
    public const string OutputShapeMismatch = "CONV009";
    public const string JoinMismatch = "CONV010";
    public const string FreeSizes = "CONV011";
    public const string ShapeUnknown = "CONV012";
    public const string EncoderNotInSource = "CONV101";
    public const string EncoderInputUnknown = "CONV102";
    public const string DecoderNotPartial = "CONV103";
    public const string LayerNotMirrorable = "CONV104";
    public const string ArgumentNotConstant = "CONV105";
    public const string NoExactMirror = "CONV106";
}

/// <summary>Every diagnostic the package reports, in one place.</summary>
public static class DiagnosticDescriptors
{
    /// <summary>Each rule's help page is docs/rules/{ID}.md under this address.</summary>
    public const string HelpLinkBase = "https://github.com/convanalyzers/ConvAnalyzers/blob/main/docs/rules/";

    private const string Category = "TorchSharp.Shapes";

    public static readonly DiagnosticDescriptor OutputPaddingNotSmaller = Create(
        RuleIdentifiers.OutputPaddingNotSmaller,
        "output_padding must be smaller than either stride or dilation",
        "{0}",
        DiagnosticSeverity.Error,
        "libtorch raises 'output padding must be smaller than either stride or dilation' when a ConvTranspose runs with an output_padding that is not smaller than its stride or its dilation in some dimension. TorchSharp 0.107's forward(x) also applies the first element of a tuple output_padding to every dimension, which can break this rule although the code does not.");

    public static readonly DiagnosticDescriptor InvalidHyperparameter = Create(
        RuleIdentifiers.InvalidHyperparameter,
        "Invalid layer hyperparameter",
        "{0}",
        DiagnosticSeverity.Error,
        "TorchSharp or libtorch rejects this layer whatever its input: a non-positive kernel, stride, dilation, channel count or groups, negative padding or output_padding, channels not divisible by groups, Padding.Same with a stride, a non-zeros padding mode on a ConvTranspose, pool padding above half the kernel, or a layer that TorchSharp 0.107 cannot run.");

    public static readonly DiagnosticDescriptor TupleOutputPaddingCollapses = Create(
        RuleIdentifiers.TupleOutputPaddingCollapses,
        "TorchSharp applies the first output_padding element to every dimension",
        "{0}",
        DiagnosticSeverity.Warning,
        "TorchSharp 0.107's ConvTranspose forward(x) uses output_padding[0] for every spatial dimension, so a tuple with differing elements does not give the per-dimension sizes the code asks for. forward(x, output_size) is exact.");

    public static readonly DiagnosticDescriptor ShapeTrace = Create(
        RuleIdentifiers.ShapeTrace,
        "Shape trace",
        "{0}",
        DiagnosticSeverity.Hidden,
        "The output shape this layer gives for each known input of its network, with the arithmetic.");

    public static readonly DiagnosticDescriptor ShapeUnknown = Create(
        RuleIdentifiers.ShapeUnknown,
        "Why this layer has no known shape",
        "{0}",
        DiagnosticSeverity.Hidden,
        "The layer is reached from a known input, but its output shape is unknown: the message names the value that is unknown and where it comes from, or the operation the analyzer does not model.");

    public static readonly DiagnosticDescriptor EmptyOutput = Create(
        RuleIdentifiers.EmptyOutput,
        "Output size is too small",
        "{0}",
        DiagnosticSeverity.Error,
        "For a known input, the layer's output size is below 1 in some dimension: libtorch raises 'Output size is too small' or 'Kernel size can't be greater than actual input size', returns an empty tensor, or (for some ConvTranspose layers) aborts the process.");

    public static readonly DiagnosticDescriptor ChannelMismatch = Create(
        RuleIdentifiers.ChannelMismatch,
        "Channel or feature mismatch",
        "{0}",
        DiagnosticSeverity.Error,
        "The layer receives a number of channels (or features) other than the one it was built for.");

    public static readonly DiagnosticDescriptor DecoderMismatch = Create(
        RuleIdentifiers.DecoderMismatch,
        "Decoder layer does not reproduce its encoder's shape",
        "{0}",
        DiagnosticSeverity.Warning,
        "A strided ConvTranspose pairs with the last unpaired downsampling layer before it and should return the spatial shape that layer received.");

    public static readonly DiagnosticDescriptor RankMismatch = Create(
        RuleIdentifiers.RankMismatch,
        "Input rank does not fit the layer",
        "{0}",
        DiagnosticSeverity.Error,
        "The layer receives a tensor whose number of dimensions it does not accept.");

    public static readonly DiagnosticDescriptor EncoderDropsRows = Create(
        RuleIdentifiers.EncoderDropsRows,
        "Encoder layer drops trailing rows for this input",
        "{0}",
        DiagnosticSeverity.Info,
        "A strided layer that has a decoder partner does not reach the last rows or planes of this input, so its mirror needs output_padding to give the input size back.");

    public static readonly DiagnosticDescriptor OutputShapeMismatch = Create(
        RuleIdentifiers.OutputShapeMismatch,
        "forward does not return the declared output shape",
        "{0}",
        DiagnosticSeverity.Error,
        "For a known input, the module's forward returns a shape other than its [OutputShape] (-1 matches any size).");

    public static readonly DiagnosticDescriptor JoinMismatch = Create(
        RuleIdentifiers.JoinMismatch,
        "Joined tensors differ outside the joined dimension",
        "{0}",
        DiagnosticSeverity.Error,
        "torch.cat needs every dimension but the joined one to agree; + needs shapes that broadcast.");

    public static readonly DiagnosticDescriptor FreeSizes = Create(
        RuleIdentifiers.FreeSizes,
        "Input sizes the network accepts",
        "{0}",
        DiagnosticSeverity.Info,
        "For each size written -1 in [InputShape], the sizes in 1…4096 that TorchSharp runs the network on without any of CONV003–CONV010, with the other free sizes held at the smallest size they all accept; for a network with a decoder, also those that come back as the output's size.");

    private const string GeneratorCategory = "TorchSharp.MirrorDecoder";

    public static readonly DiagnosticDescriptor EncoderNotInSource = new(RuleIdentifiers.EncoderNotInSource, "The encoder's source is not in this compilation", "{0}", GeneratorCategory, DiagnosticSeverity.Error, true,
        "[MirrorDecoder] reads the encoder's layers from its source, which must be in the same project.", HelpLinkBase + RuleIdentifiers.EncoderNotInSource + ".md");

    public static readonly DiagnosticDescriptor EncoderInputUnknown = new(RuleIdentifiers.EncoderInputUnknown, "The encoder has no known input shape", "{0}", GeneratorCategory, DiagnosticSeverity.Error, true,
        "The decoder's shapes follow from the encoder's input: give it in [MirrorDecoder(typeof(Encoder), 2, 256, 24, 32, 24)] or as the encoder's single [InputShape].", HelpLinkBase + RuleIdentifiers.EncoderInputUnknown + ".md");

    public static readonly DiagnosticDescriptor DecoderNotPartial = new(RuleIdentifiers.DecoderNotPartial, "The decoder class cannot be generated into", "{0}", GeneratorCategory, DiagnosticSeverity.Error, true,
        "A [MirrorDecoder] class must be partial, not generic, and nested only in partial types.", HelpLinkBase + RuleIdentifiers.DecoderNotPartial + ".md");

    public static readonly DiagnosticDescriptor LayerNotMirrorable = new(RuleIdentifiers.LayerNotMirrorable, "An encoder layer cannot be mirrored", "{0}", GeneratorCategory, DiagnosticSeverity.Error, true,
        "The generator mirrors convolutions, pools, BatchNorm, Flatten, Linear, activations and dropout; other stages (or stages it cannot follow) have no generated inverse.", HelpLinkBase + RuleIdentifiers.LayerNotMirrorable + ".md");

    public static readonly DiagnosticDescriptor ArgumentNotConstant = new(RuleIdentifiers.ArgumentNotConstant, "An encoder layer argument is not a compile-time constant", "{0}", GeneratorCategory, DiagnosticSeverity.Error, true,
        "The generated decoder is verified at compile time, so every shape-relevant encoder argument must be a constant.", HelpLinkBase + RuleIdentifiers.ArgumentNotConstant + ".md");

    public static readonly DiagnosticDescriptor NoExactMirror = new(RuleIdentifiers.NoExactMirror, "No exact mirror exists for an encoder layer", "{0}", GeneratorCategory, DiagnosticSeverity.Error, true,
        "The generator emits a decoder only when its own trace, computed with the shape arithmetic, equals the reversed encoder trace.", HelpLinkBase + RuleIdentifiers.NoExactMirror + ".md");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DiagnosticDescriptor, DiagnosticDescriptor> CompilationEndDescriptors = new();

    /// <summary>
    /// The same diagnostic, tagged as reported at compilation end: inputs found in other files (a constant-shape
    /// tensor passed to forward) are known only then, so these appear in builds and full-solution analysis.
    /// </summary>
    public static DiagnosticDescriptor AtCompilationEnd(DiagnosticDescriptor descriptor) => CompilationEndDescriptors.GetOrAdd(descriptor, static d =>
        new DiagnosticDescriptor(d.Id, d.Title, d.MessageFormat, d.Category, d.DefaultSeverity, d.IsEnabledByDefault, d.Description, d.HelpLinkUri, WellKnownDiagnosticTags.CompilationEnd));

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, DiagnosticSeverity severity, string description) =>
        new(id, title, messageFormat, Category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinkBase + id + ".md");
}
