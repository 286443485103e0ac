using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// Reads CONV011's set notation back into sizes, independently of the code that writes it: <c>16k (16…4096)</c>,
/// <c>4k+3 (3…11)</c>, <c>every size (7…4096)</c>, <c>5, 9</c>, parts joined by <c>or</c>; <c>every H (1…4096)</c>
/// and <c>H = …</c> per dimension. The summary form <c>n sizes from lo to hi</c> cannot be expanded: null.
/// </summary>
public static class SizeSetNotation
{
    /// <summary>The sizes one set names, or null for the "n sizes from lo to hi" summary.</summary>
    public static SortedSet<long>? Expand(string set)
    {
        var sizes = new SortedSet<long>();
        if (set == "no size")
        {
            return sizes;
        }

        if (Regex.IsMatch(set, @"^\d+ sizes from \d+ to \d+$"))
        {
            return null;
        }

        foreach (var part in set.Split(new[] { " or " }, System.StringSplitOptions.None))
        {
            if (Regex.Match(part, @"^every size \((\d+)…(\d+)\)$") is { Success: true } every)
            {
                for (var s = L(every.Groups[1]); s <= L(every.Groups[2]); s++)
                {
                    sizes.Add(s);
                }
            }
            else if (Regex.Match(part, @"^(\d+)k(?:\+(\d+))? \((\d+)…(\d+)\)$") is { Success: true } progression)
            {
                var step = L(progression.Groups[1]);
                var offset = progression.Groups[2].Success ? L(progression.Groups[2]) : 0;
                for (var s = L(progression.Groups[3]); s <= L(progression.Groups[4]); s++)
                {
                    if (s % step == offset)
                    {
                        sizes.Add(s);
                    }
                }
            }
            else if (Regex.IsMatch(part, @"^\d+(, \d+)*$"))
            {
                sizes.UnionWith(part.Split(',').Select(t => long.Parse(t.Trim(), CultureInfo.InvariantCulture)));
            }
            else
            {
                throw new System.FormatException($"not a part of the set notation: '{part}'");
            }
        }

        return sizes;
    }

    /// <summary>
    /// A CONV011 message: the accepted sizes per dimension name, and those returned (null when the message makes no
    /// claim about returning the input size).
    /// </summary>
    public static (Dictionary<string, SortedSet<long>?> Accepted, Dictionary<string, SortedSet<long>?>? Returned) Read(string message)
    {
        var accepts = message.Substring("accepts ".Length);
        var end = new[] { accepts.IndexOf(" (each with", System.StringComparison.Ordinal), accepts.IndexOf("; returns", System.StringComparison.Ordinal) }.Where(i => i >= 0).DefaultIfEmpty(accepts.Length).Min();
        var accepted = Dimensions(accepts.Substring(0, end));
        Dictionary<string, SortedSet<long>?>? returned = null;
        var returns = message.IndexOf("; returns the input size for ", System.StringComparison.Ordinal);
        if (returns >= 0)
        {
            var rest = message.Substring(returns + "; returns the input size for ".Length);
            returned = rest switch
            {
                "every accepted size" => accepted.ToDictionary(a => a.Key, a => a.Value),
                "no accepted size" => accepted.ToDictionary(a => a.Key, _ => (SortedSet<long>?)new SortedSet<long>()),
                _ => Dimensions(Regex.Replace(rest, @"every accepted ([DHWL])", m => accepted[m.Groups[1].Value] is { } all ? $"{m.Groups[1].Value} = {string.Join(", ", all)}" : m.Value)),
            };
        }

        return (accepted, returned);
    }

    private static Dictionary<string, SortedSet<long>?> Dimensions(string text)
    {
        var result = new Dictionary<string, SortedSet<long>?>();
        // Each dimension starts with "every X (" or "X = "; what follows up to the next such start is its set.
        var starts = Regex.Matches(text, @"(?:^|, )(?:every ([DHWL]) \(|([DHWL]) = )").Cast<Match>().ToList();
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var bodyStart = start.Index + start.Length;
            var bodyEnd = i + 1 < starts.Count ? starts[i + 1].Index : text.Length;
            var body = text.Substring(bodyStart, bodyEnd - bodyStart);
            if (start.Groups[1].Success)
            {
                result[start.Groups[1].Value] = Expand("every size (" + body);
            }
            else
            {
                result[start.Groups[2].Value] = Expand(body);
            }
        }

        return result;
    }

    private static long L(Group g) => long.Parse(g.Value, CultureInfo.InvariantCulture);
}
