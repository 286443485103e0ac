using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Diagnostics;

/// <summary>The diagnostic IDs: a contract users configure severities against.</summary>
public static class RuleIdentifiers
{
    public const string OutputPaddingNotSmaller = "CONV001";
    public const string InvalidHyperparameter = "CONV002";
    public const string TupleOutputPaddingCollapses = "CONV007";
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

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, DiagnosticSeverity severity, string description) =>
        new(id, title, messageFormat, Category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinkBase + id + ".md");
}
