using System.Reflection;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>
/// Records what TorchSharp executes at each layer factory call of a source: every call of a <c>torch.nn</c> factory
/// that returns a layer (<see cref="PrecisionSites.LayerFactories"/>) is wrapped in <c>LayerProbe.Wrap(call, id)</c>,
/// a module that runs the layer and records its input and output shapes. <see cref="Predicted"/> reads the same
/// site's CONV000 as the analyzer reports it (<c>Properties["shapes"]</c>), so the two can be compared.
/// </summary>
public static class LayerProbe
{
    public const string FileName = "LayerProbe.cs";

    public const string Source = """
        using System;
        using System.Collections.Generic;
        using static TorchSharp.torch;

        public sealed class LayerProbe : nn.Module<Tensor, Tensor>
        {
            public static List<(int Id, long[] Input, long[] Output)> Records = new();
            private readonly nn.Module<Tensor, Tensor> _inner;
            private readonly int _id;

            private LayerProbe(nn.Module<Tensor, Tensor> inner, int id) : base("probe" + id)
            {
                _inner = inner;
                _id = id;
                register_module("inner", inner);
            }

            public static nn.Module<Tensor, Tensor> Wrap(nn.Module<Tensor, Tensor> inner, int id) => new LayerProbe(inner, id);

            public override Tensor forward(Tensor x)
            {
                var input = x.shape;
                var y = _inner.call(x);
                Records.Add((_id, input, y.shape));
                return y;
            }
        }
        """;

    /// <summary>The layer factory calls of <paramref name="tree"/>, numbered in source order.</summary>
    public static Dictionary<InvocationExpressionSyntax, int> Sites(Compilation compilation, SyntaxTree tree) =>
        PrecisionSites.LayerFactories(compilation.GetSemanticModel(tree)).Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);

    /// <summary>The source of <paramref name="tree"/> with every site wrapped.</summary>
    public static string Rewrite(SyntaxTree tree, IReadOnlyDictionary<InvocationExpressionSyntax, int> sites) =>
        new WrapRewriter(sites).Visit(tree.GetRoot())!.ToFullString();

    /// <summary>What the loaded assembly's probe has recorded so far (a live list: later runs add to it).</summary>
    public static List<(int Id, long[] Input, long[] Output)> Records(Assembly assembly) =>
        (List<(int Id, long[] Input, long[] Output)>)assembly.GetType("LayerProbe")!.GetField("Records")!.GetValue(null)!;

    /// <summary>The shapes TorchSharp ran at a site, as <c>input→output</c> with comma-separated dims.</summary>
    public static HashSet<string> Recorded(IEnumerable<(int Id, long[] Input, long[] Output)> records, int id) =>
        records.Where(r => r.Id == id).Select(r => string.Join(",", r.Input) + "→" + string.Join(",", r.Output)).ToHashSet();

    /// <summary>
    /// Each CONV000 at <paramref name="site"/>: its (input→output) entries from <c>Properties["shapes"]</c>, or null
    /// when the property is missing.
    /// </summary>
    public static IEnumerable<(HashSet<string>? Shapes, Diagnostic Trace)> Predicted(IEnumerable<Diagnostic> diagnostics, SyntaxTree tree, InvocationExpressionSyntax site) =>
        diagnostics.Where(d => d.Id == "CONV000" && d.Location.SourceTree == tree && d.Location.SourceSpan == site.Span)
            .Select(d => (PrecisionSites.Shapes(d)?.Select(s => s.Input + "→" + s.Output).ToHashSet(), d));

    private sealed class WrapRewriter : CSharpSyntaxRewriter
    {
        private readonly IReadOnlyDictionary<InvocationExpressionSyntax, int> _ids;

        public WrapRewriter(IReadOnlyDictionary<InvocationExpressionSyntax, int> ids) => _ids = ids;

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = (ExpressionSyntax)base.VisitInvocationExpression(node)!;
            return _ids.TryGetValue(node, out var id)
                ? SyntaxFactory.ParseExpression($"global::LayerProbe.Wrap({visited.WithoutTrivia().ToFullString()}, {id})").WithTriviaFrom(node)
                : visited;
        }
    }
}
