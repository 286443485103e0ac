using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Results;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// What the network runs of a file know about one layer call: the inputs it receives, the layer as built in those runs,
/// and for a decoder layer what its paired encoder layer received. The facts behind CONV007's fix and the
/// "solve for output shape" refactoring.
/// </summary>
internal sealed class LayerFacts
{
    private LayerFacts(LayerSite site, List<long[]> inputs, (long[] Spatial, string Encoder)? mirror)
    {
        Site = site;
        Inputs = inputs;
        Mirror = mirror;
    }

    /// <summary>The layer as the first run that applied it built it.</summary>
    public LayerSite Site { get; }

    /// <summary>The distinct spatial sizes of the inputs it receives (the batch may be a symbol).</summary>
    public List<long[]> Inputs { get; }

    /// <summary>For a decoder layer with one paired encoder input: that spatial shape and the encoder layer's name.</summary>
    public (long[] Spatial, string Encoder)? Mirror { get; }

    /// <summary>The facts about <paramref name="call"/> from the roots declared in its file; null when no run applies it with a known input.</summary>
    public static LayerFacts? Of(Compilation compilation, SemanticModel model, SyntaxNode call, CancellationToken cancellationToken) =>
        From(RunsOf(compilation, model, cancellationToken), call);

    /// <summary>The network runs whose roots are declared in <paramref name="model"/>'s file.</summary>
    public static List<NetworkRuns.Run> RunsOf(Compilation compilation, SemanticModel model, CancellationToken cancellationToken) =>
        TorchLibrary.Create(compilation) is { } library
            ? new NetworkRuns(compilation, library, ShapeAttributes.For(compilation), cancellationToken).RunsOf(model.SyntaxTree, model).ToList()
            : new List<NetworkRuns.Run>();

    /// <summary>The facts about <paramref name="call"/> in <paramref name="runs"/>.</summary>
    public static LayerFacts? From(List<NetworkRuns.Run> runs, SyntaxNode call)
    {
        static long[]? Spatial(LayerRecord record) =>
            record.Site.Geometry is { SpatialRank: var rank } && record.LayerInput.Length >= rank && record.LayerInput.Skip(record.LayerInput.Length - rank).All(d => d.IsKnown)
                ? record.LayerInput.Skip(record.LayerInput.Length - rank).Select(d => d.Known!.Value).ToArray()
                : null;

        var records = runs.SelectMany(r => r.Recorder.Layers).Where(l => l.Site.Call == call && l.Certain && Spatial(l) is not null).ToList();
        if (records.Count == 0)
        {
            return null;
        }

        var inputs = new List<long[]>();
        foreach (var input in records.Select(r => Spatial(r)!))
        {
            if (!inputs.Any(i => i.SequenceEqual(input)))
            {
                inputs.Add(input);
            }
        }

        var mirrors = runs.SelectMany(r => r.Recorder.Pairs).Where(p => p.Decoder.Call == call && p.Certain)
            .Select(p => (Spatial: p.Encoder.Spatial, Encoder: p.Encoder.Encoder.Name)).ToList();
        var mirror = mirrors.Count > 0 && mirrors.All(m => m.Spatial.SequenceEqual(mirrors[0].Spatial) && m.Encoder == mirrors[0].Encoder) ? mirrors[0] : ((long[], string)?)null;
        return new LayerFacts(records[0].Site, inputs, mirror);
    }
}
