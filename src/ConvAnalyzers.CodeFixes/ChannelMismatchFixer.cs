using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV004: sets the receiving layer's in_channels / num_features / in_features to what it receives, or (second action)
/// the producing layer's out_channels / out_features to what the receiving layer expects — where the value is written,
/// which is the constant passed to a block or helper when it came from there. The analyzer carries both edits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChannelMismatchFixer))]
[Shared]
public sealed class ChannelMismatchFixer : CodeFixProvider
{
    public const string EquivalenceKey = "ConvAnalyzers.AcceptReceivedChannels";
    public const string ProducerEquivalenceKey = "ConvAnalyzers.ProduceExpectedChannels";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.ChannelMismatch);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (CarriedEdits.Property(diagnostic, "parameter") is not { } parameter || CarriedEdits.Property(diagnostic, "received") is not { } received)
            {
                continue;
            }

            CarriedEdits.Register(context, diagnostic, string.Empty, $"Set {parameter}: {received} (what the layer receives)", EquivalenceKey);
            if (CarriedEdits.Property(diagnostic, "producer_parameter") is { } producerParameter && CarriedEdits.Property(diagnostic, "expected") is { } expected)
            {
                CarriedEdits.Register(context, diagnostic, NetworkAnalyzer.ProducerAction, $"Set the producing layer's {producerParameter}: {expected} (what this layer expects)", ProducerEquivalenceKey);
            }
        }

        return Task.CompletedTask;
    }
}
