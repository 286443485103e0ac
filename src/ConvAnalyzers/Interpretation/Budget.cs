namespace ConvAnalyzers.Interpretation;

/// <summary>
/// The interpreter's limits. Hitting one turns what it would have computed into an unknown value: never an
/// exception, never a hang (DESIGN §3 "Budgets").
/// </summary>
internal sealed class Budget
{
    /// <summary>Operations evaluated in one interpretation (one network root with its inputs).</summary>
    public int MaxSteps { get; init; } = 400_000;

    /// <summary>Nested calls (helpers, constructors, forward of submodules).</summary>
    public int MaxCallDepth { get; init; } = 24;

    /// <summary>How often one method may be entered in one interpretation (its contexts).</summary>
    public int MaxCallsPerMethod { get; init; } = 20_000;

    /// <summary>How often one loop body may run before what the loop writes becomes unknown.</summary>
    public int UnrollBound { get; init; } = 1_024;

    /// <summary>Elements one list or array may hold before its contents become unknown.</summary>
    public int MaxSequenceLength { get; init; } = 10_000;

    public static Budget Default { get; } = new();
}
