using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.CodeFixes;

/// <summary>
/// CONV004: sets the receiving layer's in_channels / num_features / in_features to what it receives, or (second action)
/// the producing layer's out_channels / out_features to what the receiving layer expects — where the value is written,
/// which is the constant passed to a block or helper when it came from there. The analyzer carries both edits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChannelMismatchFixer))]
[Shared]
public sealed class ChannelMismatchFixer : CarriedEditFixer
{
    public const string EquivalenceKey = "ConvAnalyzers.AcceptReceivedChannels";
    public const string ProducerEquivalenceKey = "ConvAnalyzers.ProduceExpectedChannels";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.ChannelMismatch);

    internal override DiagnosticAnalyzer CreateAnalyzer() => new NetworkAnalyzer();

    protected override IEnumerable<CarriedFix> Offers(Diagnostic diagnostic)
    {
        if (CarriedEdits.Property(diagnostic, "parameter") is not { } parameter || CarriedEdits.Property(diagnostic, "received") is not { } received)
        {
            yield break;
        }

        // A norm sized by the wrong variable gets the one that holds what it receives (argument), else the value.
        yield return new CarriedFix(string.Empty, CarriedEdits.Property(diagnostic, "argument") is { } argument
            ? $"Set {parameter}: {argument} ({received}, what the layer receives)"
            : $"Set {parameter}: {received} (what the layer receives)", EquivalenceKey);
        if (CarriedEdits.Property(diagnostic, "producer_parameter") is { } producerParameter && CarriedEdits.Property(diagnostic, "expected") is { } expected)
        {
            yield return new CarriedFix(NetworkAnalyzer.ProducerAction, $"Set the producing layer's {producerParameter}: {expected} (what this layer expects)", ProducerEquivalenceKey);
        }
    }
}
