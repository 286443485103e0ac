using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV005: rewrites the decoder ConvTranspose so that it returns the shape its encoder layer received — output_padding
/// only when that suffices, else padding and output_padding together (values from the analyzer's solver).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DecoderMismatchFixer))]
[Shared]
public sealed class DecoderMismatchFixer : CodeFixProvider
{
    public const string EquivalenceKey = "ConvAnalyzers.MirrorEncoder";
    public const string OutputSizeKey = "ConvAnalyzers.MirrorEncoderWithOutputSize";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.DecoderMismatch);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue("padding", out var padding) || !diagnostic.Properties.TryGetValue("output_padding", out var outputPadding)
                || padding is null || outputPadding is null
                || FixTarget.Invocation(root, diagnostic.Location.SourceSpan) is not { } invocation)
            {
                continue;
            }

            var paddings = Parse(padding);
            var outputPaddings = Parse(outputPadding);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (model?.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation operation)
            {
                continue;
            }

            var result = diagnostic.Properties.TryGetValue("result", out var target) && target is not null ? " → " + target : string.Empty;
            if (outputPaddings.Distinct().Count() > 1)
            {
                // Per-dimension values: TorchSharp 0.107's forward(x) would collapse a tuple, so the exact way is
                // forward(x, output_size) at the layer's single direct call site (with the solver's padding).
                if (target is not null && model is not null && DirectCallSite.Find(model, invocation, context.CancellationToken) is not null && paddings.Distinct().Count() == 1 && PaddingIs(operation, paddings))
                {
                    var sizes = Parse(target);
                    context.RegisterCodeFix(
                        CodeAction.Create($"Call forward(x, output_size: {target}){result}", ct => DirectCallSite.UseOutputSizeAsync(context.Document, invocation, sizes.Length, sizes, ct), OutputSizeKey),
                        diagnostic);
                }

                continue;
            }

            var title = PaddingIs(operation, paddings)
                ? $"Set output_padding: {Format(outputPaddings)}{result}"
                : $"Set padding: {Format(paddings)}, output_padding: {Format(outputPaddings)}{result}";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixAsync(context.Document, invocation, paddings, outputPaddings, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, InvocationExpressionSyntax invocation, long[] paddings, long[] outputPaddings, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
        {
            return document;
        }

        var edits = new List<(string, long[])>();
        if (!PaddingIs(operation, paddings))
        {
            edits.Add(("padding", paddings));
        }

        edits.Add(("output_padding", outputPaddings));
        return await ArgumentEditor.ApplyAsync(document, invocation, edits, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the call's padding already has these values (then only output_padding changes).</summary>
    private static bool PaddingIs(IInvocationOperation operation, long[] paddings)
    {
        var argument = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "padding");
        var value = Extraction.ConstantEvaluator.Evaluate(argument?.Value, CancellationToken.None);
        return value switch
        {
            { Kind: Extraction.ConstKind.Integer } => paddings.All(p => p == value.Integer),
            { Kind: Extraction.ConstKind.Null } => paddings.All(p => p == 0),
            { Kind: Extraction.ConstKind.Sequence } => value.Items.Select(i => i?.Integer).SequenceEqual(paddings.Select(p => (long?)p)),
            _ => false,
        };
    }

    internal static long[] Parse(string values) => values.Split(',').Select(long.Parse).ToArray();

    internal static string Format(long[] values) => values.Distinct().Count() == 1 ? values[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "(" + string.Join(", ", values) + ")";
}
