using System.Collections.Generic;
using System.Linq;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// A model written the way public TorchSharp projects write them. <paramref name="Bug"/> is null for a valid model
/// (no Warning or Error), else the one diagnostic ID intended, marked in <paramref name="Source"/> with
/// <c>{|ID:...|}</c> where DESIGN.md §3 "Where a diagnostic goes" reports it. <paramref name="Idioms"/> are
/// comma-separated tags (see <see cref="RealIdiomModels.IdiomTags"/>).
/// </summary>
public sealed record RealIdiomModel(string Name, string Source, string? Bug, string Idioms)
{
    public IEnumerable<string> Tags => Idioms.Split(',').Select(t => t.Trim());

    public override string ToString() => Name;
}

/// <summary>
/// The real-idiom suite: self-contained compilation units against TorchSharp 0.107, each with a
/// <c>public static void Run()</c> in a <c>Program</c> class that builds the model and calls forward on its input
/// (for <c>[InputShape]</c> models on <c>torch.zeros</c> of that shape), so that the libtorch tests run exactly the
/// source the analyzer reads and record every layer call. Small sizes: each runs on CPU in well under a second.
/// </summary>
public static partial class RealIdiomModels
{
    /// <summary>The idioms the suite covers; each appears in at least one valid and one buggy model.</summary>
    public static readonly IReadOnlyList<string> IdiomTags = new[]
    {
        "block-class", "helper-method", "lambda", "config-loop", "sequential-list", "module-list", "module-dict",
        "options-object", "dispose-scope", "view-head", "functional-pool", "interpolate", "unet-cat", "dcgan-ctor",
        "audio-1d", "volume-3d", "norm-layers", "input-attribute", "call-site-input",
    };

    private static IReadOnlyList<RealIdiomModel>? _all;

    public static IReadOnlyList<RealIdiomModel> All => _all ??= Classifiers()
        .Concat(Segmentation())
        .Concat(Generative())
        .Concat(Detection())
        .Concat(Signals())
        .Concat(Norms())
        .Concat(Language())
        .ToList();

    public static RealIdiomModel Get(string name) => All.Single(m => m.Name == name);
}
