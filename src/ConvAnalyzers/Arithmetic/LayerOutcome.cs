using System.Collections.Generic;
using System.Linq;
using ConvAnalyzers.Model;

namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// The result of running a layer on an input, predicted: its output shape, or the rules it breaks.
/// When neither is known (an unknown argument), <see cref="IsKnown"/> is false: nothing is guessed.
/// </summary>
public sealed record LayerOutcome(TensorShape? Output, IReadOnlyList<Violation> Violations, IReadOnlyList<string> Arithmetic)
{
    public static LayerOutcome Unknown { get; } = new(null, System.Array.Empty<Violation>(), System.Array.Empty<string>());

    public bool IsKnown => Output is not null || Violations.Count > 0;

    public bool IsValid => Output is not null && Violations.Count == 0;

    public static LayerOutcome Fail(IEnumerable<Violation> violations) => new(null, violations.ToList(), new string[0]);

    public static LayerOutcome Fail(Violation violation) => new(null, new[] { violation }, new string[0]);
}

/// <summary>Per spatial dimension: the output sizes and the rendered arithmetic of each.</summary>
public sealed record SpatialOutcome(long[]? Sizes, IReadOnlyList<Violation> Violations, IReadOnlyList<string> Arithmetic)
{
    public bool IsKnown => Sizes is not null || Violations.Count > 0;
}
