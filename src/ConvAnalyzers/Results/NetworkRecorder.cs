using System.Collections.Generic;
using System.Linq;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Interpretation;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Results;

/// <summary>One layer applied to one input in one context: what it received, what came out, or the rules it broke.</summary>
internal sealed record LayerRecord(LayerSite Site, string Context, string Input, Dim[] LayerInput, Dim[]? Output, LayerOutcome? Outcome, bool Certain, LayerSite? Producer)
{
    /// <summary>The module whose forward applied the layer, as messages name it (<see cref="NetworkRecorder.OwnerLabel"/>).</summary>
    public string Owner { get; init; } = string.Empty;

    /// <summary>
    /// Equal records have the same site and context, so those two are enough: the synthesized hash also hashed the
    /// shapes' fresh arrays and the outcome, which cost more than the dictionaries that look records up.
    /// </summary>
    public override int GetHashCode() =>
        (Site.GetHashCode() * 31) + System.StringComparer.Ordinal.GetHashCode(Context);
}

/// <summary>A decoder ConvTranspose and the encoder layer it pairs with (DESIGN §3, the pairing stack).</summary>
internal sealed record PairRecord(LayerSite Decoder, string Context, string Input, PendingPair Encoder, long[] DecoderInput, long[] DecoderOutput, bool Certain)
{
    /// <summary>The module whose forward applied the decoder layer (<see cref="NetworkRecorder.OwnerLabel"/>).</summary>
    public string Owner { get; init; } = string.Empty;
}

/// <summary>A tensor operation (cat, +, view, ...) that fails.</summary>
internal sealed record OpRecord(SyntaxNode Syntax, string DiagnosticId, string Input, string Message, bool Certain)
{
    /// <summary>The layer's factory call when the op is a layer's rule (GroupNorm, LayerNorm, ...), for Properties["layer"].</summary>
    public SyntaxNode? Layer { get; init; }

    /// <summary>For a layer whose size argument does not fit its input: the layer as built here, that argument, and the value it needs.</summary>
    public LayerSite? Site { get; init; }

    public string? Parameter { get; init; }

    public long[]? Needs { get; init; }
}

/// <summary>A layer reached from a known input whose output the interpreter cannot know, and why (CONV012).</summary>
internal sealed record UnknownRecord(LayerSite Site, string Context, string Input, string Reason);

/// <summary>What a network root's forward returned for one input.</summary>
internal sealed record OutputRecord(INamedTypeSymbol? Root, string Input, Dim[] InputShape, TensorValue? Output, bool Certain);

/// <summary>What one interpretation of a network found, by site; turned into diagnostics by the analyzer.</summary>
internal sealed class NetworkRecorder
{
    /// <summary>True for a free-size probe's recorder: only judged, never reported, so no arithmetic text is written.</summary>
    public bool Probe { get; init; }

    /// <summary>A probe's first sibling: later probes of one state take its module keys instead of walking the tree again.</summary>
    public NetworkRecorder? Template { get; init; }

    private int _root;

    private readonly Dictionary<LayerSite, PairRecord> _latestPairs = new();

    private Dictionary<int, string> _keys = new();

    private Dictionary<int, string> _creations = new();

    public List<LayerRecord> Layers { get; } = new();

    public List<OutputRecord> Outputs { get; } = new();

    /// <summary>The roots run (module heap id, the forward call or attribute that gave the input).</summary>
    public List<(int Id, SyntaxNode Call)> Roots { get; } = new();

    /// <summary>How deep in module forwards the interpretation is (0: outside any).</summary>
    public int ApplyDepth { get; set; }

    public List<PairRecord> Pairs { get; } = new();

    public List<OpRecord> Ops { get; } = new();

    public List<UnknownRecord> Unknowns { get; } = new();

    /// <summary>CONV011: the sizes each <c>[InputShape]</c> with free sizes accepts (the attribute, the message).</summary>
    public List<(SyntaxNode Attribute, Analyzers.FreeSizeAnswer Answer)> FreeSizes { get; } = new();

    /// <summary>
    /// Inputs whose concrete sizes fail, by input label: what the failure messages add (<c>250 fails here; nearest
    /// accepted: 240, 256</c>) and the accepted neighbours per position of the size the refactoring changes.
    /// </summary>
    public Dictionary<string, NearestSizes> Nearest { get; } = new();

    /// <summary>How the input label of a run at the smallest accepted free sizes goes on (CONV000 says so).</summary>
    public const string SmallestAccepted = " (the smallest accepted sizes of ";

    /// <summary>The network input being followed, as messages name it: <c>[2,3,32,32]</c>.</summary>
    public string InputLabel { get; set; } = string.Empty;

    /// <summary>The module whose forward is running (the context of functional calls); 0 for none.</summary>
    public int CurrentModule { get; set; }

    /// <summary>The named_modules() key of a module of the current root, "" for the root, "?" when it is not registered.</summary>
    public string KeyOf(int id) => _keys.TryGetValue(id, out var key) ? key : "?";

    /// <summary>Sets the keys as TorchSharp's <c>named_modules()</c> of <paramref name="root"/> gives them.</summary>
    public void SetRoot(State state, RefValue root, System.Func<ITypeSymbol, bool> isModuleType)
    {
        if (Template is { } template && template._root == root.Id)
        {
            // A free-size probe on a copy of the template's state: the same module tree, so the same keys.
            _latestPairs.Clear();
            _keys = template._keys;
            _creations = template._creations;
            _root = root.Id;
            return;
        }

        _latestPairs.Clear();
        _root = root.Id;
        _keys = new Dictionary<int, string>();
        _creations = new Dictionary<int, string>();
        Walk(state, root, string.Empty, isModuleType, 0);
    }

    private void Walk(State state, Value value, string key, System.Func<ITypeSymbol, bool> isModuleType, int depth)
    {
        if (value is not RefValue r || _keys.ContainsKey(r.Id) || depth > 64)
        {
            return;
        }

        _keys[r.Id] = key;
        string Child(string name) => key.Length == 0 ? name : key + "." + name;
        switch (state.Get(value))
        {
            case InstanceObject instance:
                _creations[r.Id] = instance.Creation;
                foreach (var (name, module) in instance.Registered)
                {
                    Walk(state, module, Child(name), isModuleType, depth + 1);
                }

                for (var type = instance.Type; type is not null && type.DeclaringSyntaxReferences.Length > 0; type = type.BaseType)
                {
                    foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
                    {
                        if (!field.IsStatic && instance.Fields.TryGetValue(field, out var fieldValue))
                        {
                            var name = field.AssociatedSymbol?.Name ?? field.Name;
                            Walk(state, fieldValue, Child(name), isModuleType, depth + 1);
                        }
                    }

                    foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
                    {
                        if (instance.Fields.TryGetValue(property, out var propertyValue))
                        {
                            Walk(state, propertyValue, Child(property.Name), isModuleType, depth + 1);
                        }
                    }
                }

                break;
            case LibraryObject { Payload: ContainerModule container } when state.TryGet(container.Children, out var c) && c is SequenceObject children:
                for (var i = 0; i < children.Items.Count; i++)
                {
                    Walk(state, children.Items[i], Child(children.Names?[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)), isModuleType, depth + 1);
                }

                break;
        }
    }

    /// <summary>
    /// The module whose forward is running, as context messages name it (DESIGN §3): its named_modules() key, " = ",
    /// and the call that created it with its evaluated arguments (<c>layers.stage1a = BasicBlock(64, 128, 2)</c>); the
    /// root (and a module named_modules() does not list) is named by its creation alone; "" outside any module instance.
    /// </summary>
    public string OwnerLabel =>
        CurrentModule != 0 && _creations.TryGetValue(CurrentModule, out var creation)
            ? (KeyOf(CurrentModule) is { Length: > 0 } key and not "?" ? key + " = " + creation : creation)
            : string.Empty;

    public void Layer(LayerRecord record)
    {
        // A probe's records are judged, never reported: no message reads their owner.
        Layers.Add(Probe ? record : record with { Owner = OwnerLabel });
        if (Probe && record.Certain && record.Outcome is { IsValid: false })
        {
            throw new ProbeDecided();
        }
    }

    public void Pair(LayerSite decoder, string context, PendingPair encoder, long[] decoderInput, long[] decoderOutput, bool certain)
    {
        var pair = new PairRecord(decoder, context, InputLabel, encoder, decoderInput, decoderOutput, certain) { Owner = Probe ? string.Empty : OwnerLabel };
        Pairs.Add(pair);
        _latestPairs[decoder] = pair;
    }

    /// <summary>The pair the decoder layer made last in the current root's run, if any.</summary>
    public PairRecord? LatestPair(LayerSite decoder) => _latestPairs.TryGetValue(decoder, out var pair) ? pair : null;

    /// <summary>Forgets a pair of the current run (its decoder's output was resized to the encoder's size).</summary>
    public void Drop(PairRecord pair)
    {
        var index = Pairs.LastIndexOf(pair);
        if (index >= 0)
        {
            Pairs.RemoveAt(index);
        }

        _latestPairs.Remove(pair.Decoder);
    }

    public void Op(SyntaxNode syntax, string id, string message, bool certain, SyntaxNode? layer = null)
    {
        Ops.Add(new OpRecord(syntax, id, InputLabel, message, certain) { Layer = layer });
        if (Probe && certain)
        {
            throw new ProbeDecided();
        }
    }

    /// <summary>Where the lists stand now: the records a run adds after this are its own.</summary>
    public RecorderMarks Mark() => new(Layers.Count, Pairs.Count, Ops.Count, Unknowns.Count, Outputs.Count);

    public void Unknown(LayerSite site, string context, string reason) => Unknowns.Add(new UnknownRecord(site, context, InputLabel, reason));
}

/// <summary>
/// A failing input's nearest accepted sizes: the text failure messages add, and per position the neighbours; the input
/// is written at <paramref name="Site"/>: the <c>[InputShape]</c> attribute, or the tensor factory call of a discovered input.
/// </summary>
internal sealed record NearestSizes(SyntaxNode Site, string Text, IReadOnlyList<(int Position, long Size, long? Below, long? Above)> Neighbours);

/// <summary>Where a recorder's lists stood before a run: to look at that run's records alone, or to rename its input.</summary>
internal readonly record struct RecorderMarks(int Layers, int Pairs, int Ops, int Unknowns, int Outputs)
{
    public NetworkRecorder Slice(NetworkRecorder r)
    {
        var slice = new NetworkRecorder();
        slice.Layers.AddRange(r.Layers.Skip(Layers));
        slice.Pairs.AddRange(r.Pairs.Skip(Pairs));
        slice.Ops.AddRange(r.Ops.Skip(Ops));
        slice.Unknowns.AddRange(r.Unknowns.Skip(Unknowns));
        slice.Outputs.AddRange(r.Outputs.Skip(Outputs));
        return slice;
    }

    public void Relabel(NetworkRecorder r, string label)
    {
        for (var i = Layers; i < r.Layers.Count; i++)
        {
            r.Layers[i] = r.Layers[i] with { Input = label };
        }

        for (var i = Pairs; i < r.Pairs.Count; i++)
        {
            r.Pairs[i] = r.Pairs[i] with { Input = label };
        }

        for (var i = Ops; i < r.Ops.Count; i++)
        {
            r.Ops[i] = r.Ops[i] with { Input = label };
        }

        for (var i = Unknowns; i < r.Unknowns.Count; i++)
        {
            r.Unknowns[i] = r.Unknowns[i] with { Input = label };
        }

        for (var i = Outputs; i < r.Outputs.Count; i++)
        {
            r.Outputs[i] = r.Outputs[i] with { Input = label };
        }
    }
}

/// <summary>
/// Ends a free-size probe at its first layer or operation that fails on every path: TorchSharp throws there, so the
/// probe's judgement (rejected by it) cannot change after it, and the rest of forward is not run.
/// </summary>
internal sealed class ProbeDecided : System.Exception
{
}
