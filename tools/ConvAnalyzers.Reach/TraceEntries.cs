using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Reach;

/// <summary>One context of a CONV000 trace: the layer's input and output shape, each dim a number, <c>?</c> or a name.</summary>
public sealed record TraceEntry(string Context, IReadOnlyList<string> Input, IReadOnlyList<string> Output)
{
    /// <summary>Traced means every dim but the first (the batch, or the channels of an unbatched input) is a number.</summary>
    public bool IsComplete => IsNumeric(Input) && IsNumeric(Output);

    private static bool IsNumeric(IReadOnlyList<string> dims) =>
        dims.Count > 0 && dims.Skip(1).All(d => long.TryParse(d, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
}

public static partial class TraceEntries
{
    /// <summary>
    /// The entries of a CONV000 diagnostic: <c>Properties["shapes"]</c> (<c>context|input|output</c> entries joined
    /// by ';', dims by ','), or, for an analyzer that predates that property, the <c>[..] → [..]</c> pairs of its message.
    /// </summary>
    public static IReadOnlyList<TraceEntry> Of(Diagnostic diagnostic)
    {
        if (diagnostic.Properties.TryGetValue("shapes", out var shapes) && shapes is not null)
        {
            return shapes.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('|'))
                .Select(parts => parts.Length == 3
                    ? new TraceEntry(parts[0], Dims(parts[1]), Dims(parts[2]))
                    : new TraceEntry(string.Join("|", parts), [], []))
                .ToList();
        }

        return MessagePair().Matches(diagnostic.GetMessage(CultureInfo.InvariantCulture))
            .Select(m => new TraceEntry(string.Empty, Dims(m.Groups[1].Value), Dims(m.Groups[2].Value)))
            .ToList();
    }

    private static string[] Dims(string text) =>
        text.Trim().Trim('[', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Replace('−', '-'))
            .ToArray();

    [GeneratedRegex(@"\[([^\]]*)\]\s*→\s*\[([^\]]*)\]")]
    private static partial Regex MessagePair();
}
