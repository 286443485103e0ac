using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
/// CONV004: sets the receiving layer's in_channels / num_features / in_features to what it receives, or (second action)
/// the producing layer's out_channels / out_features to what the receiving layer expects.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChannelMismatchFixer))]
[Shared]
public sealed class ChannelMismatchFixer : CodeFixProvider
{
    public const string EquivalenceKey = "ConvAnalyzers.AcceptReceivedChannels";
    public const string ProducerEquivalenceKey = "ConvAnalyzers.ProduceExpectedChannels";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.ChannelMismatch);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue("parameter", out var parameter) || !diagnostic.Properties.TryGetValue("received", out var receivedText)
                || parameter is null || !long.TryParse(receivedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var received)
                || FixTarget.Invocation(root, diagnostic.Location.SourceSpan) is not { } invocation)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Set {parameter}: {received} (what the layer receives)", ct => ArgumentEditor.ApplyAsync(context.Document, invocation, new[] { (parameter, new[] { received }) }, ct), EquivalenceKey),
                diagnostic);

            if (diagnostic.Properties.TryGetValue("producer_parameter", out var producerParameter) && producerParameter is not null
                && diagnostic.Properties.TryGetValue("expected", out var expectedText) && long.TryParse(expectedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expected)
                && diagnostic.AdditionalLocations.Count == 1 && diagnostic.AdditionalLocations[0].SourceTree == root?.SyntaxTree
                && FixTarget.Invocation(root, diagnostic.AdditionalLocations[0].SourceSpan) is { } producer)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Set the producing layer's {producerParameter}: {expected} (what this layer expects)", ct => ArgumentEditor.ApplyAsync(context.Document, producer, new[] { (producerParameter, new[] { expected }) }, ct), ProducerEquivalenceKey),
                    diagnostic);
            }
        }
    }
}
