using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Generators;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchSharp;

namespace ConvAnalyzers.LibTorchTests.SourceCheck;

/// <summary>One shape TorchSharp executed (or the analyzer traced) at a layer call site, in one module context.</summary>
public sealed record SiteShape(string ContextKey, string Input, string Output);

/// <summary>What TorchSharp did with one model, and what the analyzer said about the same source.</summary>
public sealed class RealIdiomRun
{
    public required RealIdiomModel Model { get; init; }

    public required string Source { get; init; }

    /// <summary>The span of the <c>{|ID:...|}</c> markup in <see cref="Source"/>, for buggy models.</summary>
    public TextSpan? Marked { get; init; }

    /// <summary>Every layer call site of the source by id, with its invocation span.</summary>
    public required IReadOnlyList<(int Id, TextSpan Span, string Text)> Sites { get; init; }

    /// <summary>Completed layer calls: site id and shape, keyed by the module's <c>named_modules()</c> key.</summary>
    public required IReadOnlyList<(int Site, SiteShape Shape)> Records { get; init; }

    /// <summary>The layer call the run failed in (its input recorded, no output), when it failed inside a layer.</summary>
    public (int Site, SiteShape Shape)? FailedAt { get; init; }

    public string? Error { get; init; }

    /// <summary>Each call of a root module from <c>Program.Run</c>: its class, input and output.</summary>
    public required IReadOnlyList<(Type Root, long[] Input, long[] Output)> RootCalls { get; init; }

    public required IReadOnlyList<string> CompilerWarnings { get; init; }

    public required ImmutableArray<Diagnostic> Diagnostics { get; init; }

    public int? SiteAt(TextSpan span) => Sites.Where(s => s.Span == span).Select(s => (int?)s.Id).FirstOrDefault();

    public string Describe(int site) => $"site {site} `{Sites[site].Text}`";
}

/// <summary>
/// Runs a real-idiom model twice from the same source: through the analyzers (CONV000 and CONV012 raised so they are
/// reported), and in TorchSharp after rewriting every layer call site to record what it executes.
/// Factory calls become <c>Probe.M(site, nn.Conv2d(...))</c>, which registers a forward pre-hook and hook on the module
/// itself: the module is not wrapped, so its type and its <c>named_modules()</c> key stay what the source gives them.
/// TorchSharp 0.107 runs hooks only from <c>call</c> (Sequential calls its children that way), so <c>x.forward(...)</c>
/// on a module is rewritten to <c>x.call(...)</c>, which is forward plus the hooks. Functional calls become
/// <c>Probe.F(site, functional.max_pool2d(Probe.In(site, this, x), 2))</c>: the input is recorded as the first argument
/// is evaluated, the output when the call returns, and the context is the module passed as <c>this</c> (in a static
/// helper, the module whose forward is running: every module of a root is tracked with hooks too). A call that
/// throws leaves its input pending: that is the layer the run failed in. In static code, <c>model.forward(x)</c> becomes
/// <c>Probe.Call(model, x)</c>, which makes the model a root: after construction every module instance is mapped to its
/// <c>named_modules()</c> key relative to that root ("" for the root).
/// </summary>
public static class RealIdiomHarness
{
    public const string UnknownKey = "<unregistered>";

    private static readonly ConcurrentDictionary<string, Task<RealIdiomRun>> Runs = new();

    private const string ProbeSource = """
        #nullable enable
        using System.Collections.Generic;
        using TorchSharp;
        using static TorchSharp.torch;

        public static class Probe
        {
            public static readonly List<(int Site, object? Self, long[] Input, long[]? Output)> Records = new();
            public static readonly List<(int Site, object? Self, long[] Input, long[]? Output)> Pending = new();
            public static readonly List<(nn.Module Root, long[] Input, long[] Output)> RootCalls = new();
            public static readonly List<nn.Module> Roots = new();
            public static readonly List<nn.Module> Current = new();

            public static T M<T>(int site, T module) where T : nn.Module
            {
                if (module is nn.Module<Tensor, Tensor> layer)
                {
                    layer.register_forward_pre_hook((self, x) => { Pending.Add((site, self, x.shape, null)); return x; });
                    layer.register_forward_hook((self, x, y) => { Complete(site, y); return y; });
                }

                return module;
            }

            public static Tensor In(int site, object? self, Tensor x)
            {
                Pending.Add((site, self ?? (Current.Count > 0 ? Current[^1] : null), x.shape, null));
                return x;
            }

            public static Tensor F(int site, Tensor y)
            {
                Complete(site, y);
                return y;
            }

            public static Tensor Call(nn.Module<Tensor, Tensor> root, Tensor x)
            {
                if (!Roots.Contains(root))
                {
                    Roots.Add(root);
                    Track(root);
                    foreach (var (_, module) in root.named_modules())
                    {
                        Track(module);
                    }
                }

                var input = x.shape;
                var y = root.call(x);
                RootCalls.Add((root, input, y.shape));
                return y;
            }

            // Static helpers have no `this`: their functional calls belong to the module whose forward is running.
            private static void Track(nn.Module module)
            {
                if (module is nn.Module<Tensor, Tensor> tracked)
                {
                    tracked.register_forward_pre_hook((self, x) => { Current.Add(self); return x; });
                    tracked.register_forward_hook((self, x, y) => { Current.RemoveAt(Current.Count - 1); return y; });
                }
            }

            private static void Complete(int site, Tensor y)
            {
                var index = Pending.FindLastIndex(p => p.Site == site);
                var started = Pending[index];
                Pending.RemoveAt(index);
                Records.Add((site, started.Self, started.Input, y.shape));
            }
        }
        """;

    private static readonly Regex MarkupPattern = new(@"\{\|(?<id>[A-Z]+[0-9]+):(?<body>.*?)\|\}", RegexOptions.Singleline);

    public static Task<RealIdiomRun> RunAsync(RealIdiomModel model) => Runs.GetOrAdd(model.Name, _ => Task.Run(() => ExecuteAsync(model)));

    /// <summary>The source without markup, and the span the markup surrounded.</summary>
    public static (string Source, TextSpan? Marked) StripMarkup(string marked)
    {
        var match = MarkupPattern.Match(marked);
        if (!match.Success)
        {
            return (marked, null);
        }

        var source = marked.Substring(0, match.Index) + match.Groups["body"].Value + marked.Substring(match.Index + match.Length);
        return (source, new TextSpan(match.Index, match.Groups["body"].Length));
    }

    private static async Task<RealIdiomRun> ExecuteAsync(RealIdiomModel model)
    {
        LibTorch.EnsureLoaded();
        var (source, marked) = StripMarkup(model.Source);
        var compilation = InMemoryCompiler.Compile(model.Name, [("Model.cs", source), (AttributesGenerator.HintName, AttributesGenerator.Source)]);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"{model.Name} does not compile:\n" + string.Join("\n", errors));
        }

        var warnings = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        var raised = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("CONV000", ReportDiagnostic.Warn).SetItem("CONV012", ReportDiagnostic.Warn)));
        var diagnostics = await InMemoryCompiler.AnalyzeAsync(raised, new NetworkAnalyzer(), new LayerAnalyzer());

        var tree = compilation.SyntaxTrees.First();
        var semantic = compilation.GetSemanticModel(tree);
        var sites = LayerCallSites.Find(semantic, tree.GetRoot());
        var rewriter = new ProbeRewriter(semantic, sites);
        var rewritten = rewriter.Visit(tree.GetRoot())!.ToFullString();
        var runnable = InMemoryCompiler.Compile(model.Name + "Run", [("Model.cs", rewritten), (AttributesGenerator.HintName, AttributesGenerator.Source), ("Probe.cs", ProbeSource)]);
        Assembly assembly;
        try
        {
            assembly = InMemoryCompiler.Load(runnable);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{model.Name}: the recording rewrite does not compile\n{e.Message}\n{rewritten}", e);
        }

        var program = assembly.GetType("Program") ?? throw new InvalidOperationException($"{model.Name} has no Program class");
        var run = program.GetMethod("Run", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes) ?? throw new InvalidOperationException($"{model.Name} has no public static Program.Run()");
        string? error = null;
        try
        {
            run.Invoke(null, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is ExternalException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            error = e.InnerException.GetType().Name + ": " + e.InnerException.Message.Split('\n')[0];
        }

        var probe = assembly.GetType("Probe")!;
        T Field<T>(string name) => (T)probe.GetField(name)!.GetValue(null)!;
        var records = Field<List<(int Site, object? Self, long[] Input, long[]? Output)>>("Records");
        var pending = Field<List<(int Site, object? Self, long[] Input, long[]? Output)>>("Pending");
        var roots = Field<List<torch.nn.Module>>("Roots");
        var rootCalls = Field<List<(torch.nn.Module Root, long[] Input, long[] Output)>>("RootCalls");

        var keys = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        foreach (var root in roots)
        {
            keys.TryAdd(root, string.Empty);
            foreach (var (key, module) in root.named_modules())
            {
                keys.TryAdd(module, key);
            }
        }

        SiteShape Shape(object? self, long[] input, long[]? output) =>
            new(self is not null && keys.TryGetValue(self, out var key) ? key : UnknownKey, Dims(input), output is null ? string.Empty : Dims(output));

        var result = new RealIdiomRun
        {
            Model = model,
            Source = source,
            Marked = marked,
            Sites = sites.Select((s, i) => (i, s.Span, s.ToString())).ToList(),
            Records = records.Select(r => (r.Site, Shape(r.Self, r.Input, r.Output))).ToList(),
            FailedAt = error is not null && pending.Count > 0 ? (pending[^1].Site, Shape(pending[^1].Self, pending[^1].Input, null)) : null,
            Error = error,
            RootCalls = rootCalls.Select(c => (c.Root.GetType(), c.Input, c.Output)).ToList(),
            CompilerWarnings = warnings,
            Diagnostics = diagnostics,
        };

        foreach (var root in roots)
        {
            root.Dispose();
        }

        return result;
    }

    public static string Dims(IEnumerable<long> dims) => string.Join(",", dims);

    /// <summary>The [OutputShape] a root class declares, if any.</summary>
    public static long[]? DeclaredOutput(Type type) =>
        type.GetCustomAttributesData().Where(a => a.AttributeType.Name == "OutputShapeAttribute")
            .Select(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (long)v.Value!).ToArray())
            .FirstOrDefault();

    /// <summary>Rewrites layer call sites to record through Probe (see the class comment).</summary>
    private sealed class ProbeRewriter : CSharpSyntaxRewriter
    {
        private readonly SemanticModel _model;
        private readonly Dictionary<InvocationExpressionSyntax, int> _factories = new();
        private readonly Dictionary<ExpressionSyntax, (int Site, string Self)> _functionalInputs = new();
        private readonly Dictionary<InvocationExpressionSyntax, int> _functionals = new();

        public ProbeRewriter(SemanticModel model, IReadOnlyList<InvocationExpressionSyntax> sites)
        {
            _model = model;
            for (var id = 0; id < sites.Count; id++)
            {
                var site = sites[id];
                var method = (IMethodSymbol)model.GetSymbolInfo(site).Symbol!;
                if (method.ContainingType.Name == "functional")
                {
                    var operation = (Microsoft.CodeAnalysis.Operations.IInvocationOperation)model.GetOperation(site)!;
                    var first = operation.Arguments.Single(a => a.Parameter?.Ordinal == 0);
                    var expression = first.Syntax is ArgumentSyntax argument ? argument.Expression : (ExpressionSyntax)first.Syntax;
                    _functionalInputs[expression] = (id, HasThis(site) ? "this" : "null");
                    _functionals[site] = id;
                }
                else
                {
                    _factories[site] = id;
                }
            }
        }

        public override SyntaxNode? Visit(SyntaxNode? node)
        {
            var visited = base.Visit(node);
            if (node is ExpressionSyntax expression && _functionalInputs.TryGetValue(expression, out var input) && visited is ExpressionSyntax rewritten)
            {
                return SyntaxFactory.ParseExpression($"global::Probe.In({input.Site}, {input.Self}, {rewritten.ToString()})").WithTriviaFrom(rewritten);
            }

            return visited;
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
            if (_factories.TryGetValue(node, out var factory))
            {
                return Parse($"global::Probe.M({factory}, {visited})", visited);
            }

            if (_functionals.TryGetValue(node, out var functional))
            {
                return Parse($"global::Probe.F({functional}, {visited})", visited);
            }

            if (node.Expression is MemberAccessExpressionSyntax { Expression: not BaseExpressionSyntax } access
                && visited.Expression is MemberAccessExpressionSyntax visitedAccess
                && _model.GetSymbolInfo(node).Symbol is IMethodSymbol { Name: "forward" or "call" } method
                && IsModuleForward(method))
            {
                if (!HasThis(node) && method.Parameters.Length == 1 && IsTensorToTensor(method))
                {
                    return Parse($"global::Probe.Call({visitedAccess.Expression}, {visited.ArgumentList.Arguments[0]})", visited);
                }

                return method.Name == "call" ? visited : visited.WithExpression(visitedAccess.WithName(SyntaxFactory.IdentifierName("call")));
            }

            return visited;
        }

        private static SyntaxNode Parse(string text, SyntaxNode original) => SyntaxFactory.ParseExpression(text).WithTriviaFrom(original);

        /// <summary>Whether <c>this</c> is a module at this point (an instance member of a module class, not a field initializer).</summary>
        private bool HasThis(SyntaxNode node)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax lambda when lambda.Modifiers.Any(m => m.Text == "static"):
                    case LocalFunctionStatementSyntax local when local.Modifiers.Any(m => m.Text == "static"):
                        return false;
                    case FieldDeclarationSyntax:
                        return false;
                    case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax:
                        var member = ancestor is AccessorDeclarationSyntax ? ancestor.Parent!.Parent! : ancestor;
                        return _model.GetDeclaredSymbol(member) is { IsStatic: false } symbol && IsModuleType(symbol.ContainingType);
                }
            }

            return false;
        }

        private static bool IsModuleType(INamedTypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current is { Name: "Module", Arity: 0 } && current.ContainingType?.Name == "nn")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsModuleForward(IMethodSymbol method)
        {
            for (IMethodSymbol? current = method; current is not null; current = current.OverriddenMethod)
            {
                if (current.ContainingType.OriginalDefinition is { Name: "Module", Arity: 2 } module && module.ContainingType?.Name == "nn")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsTensorToTensor(IMethodSymbol method) =>
            method.ReturnType.Name == "Tensor" && method.Parameters[0].Type.Name == "Tensor";
    }
}
