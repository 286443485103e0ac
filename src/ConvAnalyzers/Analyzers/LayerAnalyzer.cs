using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Diagnostics;
using ConvAnalyzers.Interpretation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Reports what TorchSharp or libtorch will reject about a single conv-family layer, whatever its input:
/// CONV001 (output_padding), CONV002 (invalid hyperparameters) and CONV007 (a tuple output_padding that
/// TorchSharp 0.107 collapses). Every member of a file that builds layers or passes constants to code that does is
/// run on the interpreter with its own parameters unknown; each layer it reaches is checked with the values known
/// there, and a finding goes where its value is written (DESIGN §3): a constant passed to a block's constructor or
/// a helper is reported at that constant, one written in the factory call at its argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LayerAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Every conv-family factory name contains one of these: a file without any builds no layer.</summary>

    /// <summary>CONV001's fix: a legal (padding, output_padding) with the same output size, or the largest legal output_padding.</summary>
    public const string SameSizeFix = "same_size";
    public const string LargestLegalFix = "largest_legal";

    /// <summary>CONV007's fix actions: forward(x, output_size), or equal output_padding elements.</summary>
    public const string OutputSizeAction = "output_size.";
    public const string EqualElementsAction = "equal.";

    /// <summary>CONV007's fallback, for any input: output_padding written as TorchSharp 0.107's forward(x) applies it.</summary>
    public const string CollapsedAction = "collapsed.";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.OutputPaddingNotSmaller,
        DiagnosticDescriptors.InvalidHyperparameter,
        DiagnosticDescriptors.TupleOutputPaddingCollapses);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchLibrary.Create(start.Compilation) is null)
            {
                return;
            }

            start.RegisterSemanticModelAction(static context =>
            {
                var tree = context.SemanticModel.SyntaxTree;
                if (!CandidateInvocations.Mentions(tree.GetText(context.CancellationToken), LayerTable.FactoryWords))
                {
                    return;
                }

                foreach (var diagnostic in new FileRun(context.SemanticModel, context.CancellationToken).Diagnose())
                {
                    if (context.FilterSpan is not { } filter || filter.IntersectsWith(diagnostic.Location.SourceSpan))
                    {
                        context.ReportDiagnostic(diagnostic);
                    }
                }
            });
        });
    }

    /// <summary>One finding in one context: the layer as built there, the rule, where it goes, and the fix that context needs.</summary>
    private sealed record Finding(DiagnosticDescriptor Descriptor, SyntaxNode Location, string Message, LayerSite Site, ImmutableDictionary<string, string?> Facts, IReadOnlyList<(string Action, List<FixEdit>? Edits)> Fixes);

    /// <summary>The analysis of one file.</summary>
    private sealed class FileRun
    {
        private readonly SemanticModel _model;
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();
        private readonly List<LayerSite> _sites = new();
        private readonly HashSet<LayerSite> _seen = new();
        private List<NetworkRuns.Run>? _runs;

        public FileRun(SemanticModel model, CancellationToken cancellationToken)
        {
            _model = model;
            _compilation = model.Compilation;
            _cancellationToken = cancellationToken;
            _models[model.SyntaxTree] = model;
        }

        private SemanticModel? ModelOf(SyntaxTree tree)
        {
            if (!_models.TryGetValue(tree, out var model) && _compilation.ContainsSyntaxTree(tree))
            {
#pragma warning disable RS1030 // A layer reached from this file may be built in another: its arguments are read there.
                _models[tree] = model = _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
            }

            return model;
        }

        public IEnumerable<Diagnostic> Diagnose()
        {
            foreach (var (member, direct) in Members())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (direct is null)
                {
                    Run(member);
                }
                else
                {
                    RunDirect(member, direct);
                }
            }

            var findings = _sites.SelectMany(Check).ToList();
            foreach (var group in findings.GroupBy(f => (f.Descriptor.Id, f.Location)))
            {
                if (group.Key.Location.SyntaxTree != _model.SyntaxTree)
                {
                    // Reported by the analysis of the file it is in.
                    continue;
                }

                var list = group.ToList();
                var facts = list[0].Facts;
                var properties = facts;
                foreach (var (action, edits) in list[0].Fixes)
                {
                    // One edit for every context that reads the value it changes, or none (DESIGN §3).
                    if (edits is not null && edits.All(e => e.Tree == group.Key.Location.SyntaxTree)
                        && list.All(f => f.Facts.Count == facts.Count && !f.Facts.Except(facts).Any() && FixEdits.Same(f.Fixes.FirstOrDefault(x => x.Action == action).Edits, edits))
                        && edits.SelectMany(e => Readers(e)).All(reader => list.Any(f => f.Site == reader)))
                    {
                        properties = FixEdits.Write(properties, action, edits);
                    }
                }

                var message = string.Join("; ", list.Select(f => f.Message).Distinct());
                yield return Diagnostic.Create(list[0].Descriptor, group.Key.Location.GetLocation(), properties, message);
            }
        }

        /// <summary>The contexts that read the value an edit changes: every site of the edited call, or every site that reads the edited constant.</summary>
        private IEnumerable<LayerSite> Readers(FixEdit edit) =>
            _sites.Where(s => (s.Call.SyntaxTree == edit.Tree && s.Call.Span.Contains(edit.Span))
                || s.Arguments.Values.Any(v => v.Origin is { } o && o.SyntaxTree == edit.Tree && o.Span.IntersectsWith(edit.Span)));

        /// <summary>
        /// The members worth running: those that build a layer, and those that pass a literal to code of this compilation.
        /// A member whose every layer is a factory call with constant arguments, on its straight-line path, gets those calls
        /// evaluated on their own (<c>Direct</c>): running the whole member could give them no other values.
        /// </summary>
        private IEnumerable<(SyntaxNode Member, List<InvocationExpressionSyntax>? Direct)> Members()
        {
            var root = _model.SyntaxTree.GetRoot(_cancellationToken);
            // Members are declarations: the walk does not enter bodies (Worth reads those).
            foreach (var node in root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax
                or FieldDeclarationSyntax or VariableDeclarationSyntax))
            {
                switch (node)
                {
                    case BaseMethodDeclarationSyntax method when Worth(method, out var direct):
                        yield return (method, direct);
                        break;
                    case VariableDeclaratorSyntax { Initializer: not null, Parent.Parent: FieldDeclarationSyntax field } declarator
                        when field.Modifiers.Any(m => m.ValueText is "static") && Worth(declarator, out var direct):
                        // A static field's or property's initializer runs once, on its own.
                        yield return (declarator, direct);
                        break;
                    case PropertyDeclarationSyntax { Initializer: not null } property when property.Modifiers.Any(m => m.ValueText is "static") && Worth(property, out var direct):
                        yield return (property, direct);
                        break;
                    case TypeDeclarationSyntax type when InitializersWorth(type, out var direct):
                        // Field initializers run in the constructors.
                        yield return (type, direct);
                        break;
                }
            }
        }

        private bool InitializersWorth(TypeDeclarationSyntax type, out List<InvocationExpressionSyntax>? direct)
        {
            direct = null;
            var worth = false;
            foreach (var member in type.Members)
            {
                var initialized = member switch
                {
                    FieldDeclarationSyntax field when !field.Modifiers.Any(m => m.ValueText is "static" or "const") => member,
                    PropertyDeclarationSyntax { Initializer: not null } property when !property.Modifiers.Any(m => m.ValueText is "static") => member,
                    _ => null,
                };
                if (initialized is null || !Worth(initialized, out var calls))
                {
                    continue;
                }

                if (calls is null)
                {
                    // One initializer needs the interpreter: all of them run in the constructor.
                    direct = null;
                    return true;
                }

                worth = true;
                (direct ??= new List<InvocationExpressionSyntax>()).AddRange(calls);
            }

            return worth;
        }

        /// <summary>
        /// True when the member builds a layer or passes a literal to code of this compilation; <paramref name="direct"/>
        /// holds its layer calls when each can be evaluated on its own, else null (the member runs on the interpreter).
        /// </summary>
        private bool Worth(SyntaxNode member, out List<InvocationExpressionSyntax>? direct)
        {
            direct = null;
            List<InvocationExpressionSyntax>? calls = null;
            foreach (var node in member.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && CandidateInvocations.CalledName(invocation) is { } name && LayerTable.Factories.ContainsKey(name))
                {
                    if (!StandsAlone(invocation, member))
                    {
                        return true;
                    }

                    (calls ??= new List<InvocationExpressionSyntax>()).Add(invocation);
                    continue;
                }

                if (node is ArgumentListSyntax { Parent: InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax } list
                    && list.Arguments.Any(a => a.Expression.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().Any())
                    && MaybeSourceCall(list.Parent!, member)
                    && _model.GetSymbolInfo(list.Parent!, _cancellationToken).Symbol is IMethodSymbol { DeclaringSyntaxReferences.Length: > 0 })
                {
                    return true;
                }
            }

            direct = calls;
            return calls is not null;
        }

        /// <summary>
        /// True when a layer call has the same values whatever runs before it: a TorchSharp factory with compile-time
        /// constant arguments (numbers, tuples and arrays of them), not under a branch, loop, lambda or local function
        /// of its member, so that it runs exactly when the member does.
        /// </summary>
        private bool StandsAlone(InvocationExpressionSyntax invocation, SyntaxNode member)
        {
            for (var node = invocation.Parent; node is not null && node != member; node = node.Parent)
            {
                if (node is IfStatementSyntax or SwitchStatementSyntax or SwitchExpressionSyntax or ConditionalExpressionSyntax or CommonForEachStatementSyntax
                    or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax
                    or ConditionalAccessExpressionSyntax or CatchClauseSyntax or SwitchSectionSyntax or IsPatternExpressionSyntax
                    or BinaryExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.LogicalAndExpression or (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.LogicalOrExpression or (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.CoalesceExpression })
                {
                    return false;
                }
            }

            return _model.GetOperation(invocation, _cancellationToken) is IInvocationOperation { TargetMethod.DeclaringSyntaxReferences.Length: 0, Instance: null } operation
                && operation.Arguments.All(a => a.ArgumentKind == ArgumentKind.DefaultValue || Constant(a.Value) || UnchangedParameter(a.Value, member));
        }

        /// <summary>
        /// True when the value is a parameter of the member itself that the member never writes nor captures: a run of
        /// the member with its parameters unknown gives it that unknown value at every call, so the call can be
        /// evaluated on its own with the parameter unknown (<see cref="RunDirect"/>).
        /// </summary>
        private bool UnchangedParameter(IOperation value, SyntaxNode member)
        {
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            return value is IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter }
                && member is BaseMethodDeclarationSyntax method
                && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _model.GetDeclaredSymbol(method, _cancellationToken))
                && !Changed(method).Contains(parameter);
        }

        private readonly Dictionary<SyntaxNode, HashSet<ISymbol>> _changed = new();

        /// <summary>The parameters a member writes or captures in a lambda or local function anywhere in it (data flow of its body and constructor initializer).</summary>
        private HashSet<ISymbol> Changed(BaseMethodDeclarationSyntax method)
        {
            if (_changed.TryGetValue(method, out var changed))
            {
                return changed;
            }

            changed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var flows = new List<DataFlowAnalysis?>();
            if (method is ConstructorDeclarationSyntax { Initializer: { } initializer })
            {
                flows.Add(_model.AnalyzeDataFlow(initializer));
            }

            if (method.Body is { } body)
            {
                flows.Add(_model.AnalyzeDataFlow(body));
            }

            if (method.ExpressionBody is { } arrow)
            {
                flows.Add(_model.AnalyzeDataFlow(arrow.Expression));
            }

            foreach (var flow in flows)
            {
                if (flow is not { Succeeded: true })
                {
                    // Unknown flow: treat every parameter as changed (the member then runs whole).
                    changed.UnionWith(((IMethodSymbol?)_model.GetDeclaredSymbol(method, _cancellationToken))?.Parameters ?? []);
                    continue;
                }

                changed.UnionWith(flow.WrittenInside);
                changed.UnionWith(flow.CapturedInside);
            }

            _changed[method] = changed;
            return changed;
        }

        private static bool Constant(IOperation value) => value switch
        {
            { ConstantValue.HasValue: true } or IDefaultValueOperation => true,
            IConversionOperation conversion => Constant(conversion.Operand),
            ITupleOperation tuple => tuple.Elements.All(Constant),
            IArrayCreationOperation { Initializer: { } initializer } array => array.DimensionSizes.All(Constant) && initializer.ElementValues.All(Constant),
            ICollectionExpressionOperation collection => collection.Elements.All(Constant),
            _ => false,
        };

        /// <summary>
        /// False when no method or type of this compilation, nor a local function of the member, has the called name
        /// (the declaration tables, read without binding): then the call cannot be one of ours, as most calls are not.
        /// </summary>
        private bool MaybeSourceCall(SyntaxNode call, SyntaxNode member) => call switch
        {
            InvocationExpressionSyntax invocation => CandidateInvocations.CalledName(invocation) is not { } name || CompilationFacts.For(_compilation).Declares(name, SymbolFilter.Member, _cancellationToken)
                || DeclaresLocalFunction(invocation, member, name),
            ObjectCreationExpressionSyntax { Type: var type } => SimpleName(type) is not { } name || CompilationFacts.For(_compilation).Declares(name, SymbolFilter.Type, _cancellationToken),
            _ => true,
        };

        /// <summary>
        /// True when a local function of this name is in scope at the call: declared among the statements of a block
        /// or switch section that encloses it within the member (local functions are not in the declaration tables).
        /// </summary>
        private static bool DeclaresLocalFunction(SyntaxNode call, SyntaxNode member, string name)
        {
            for (var node = call.Parent; node is not null; node = node.Parent)
            {
                var statements = node switch
                {
                    BlockSyntax block => block.Statements,
                    SwitchSectionSyntax section => section.Statements,
                    _ => default,
                };
                foreach (var statement in statements)
                {
                    if (statement is LocalFunctionStatementSyntax function && function.Identifier.ValueText == name)
                    {
                        return true;
                    }
                }

                if (node == member)
                {
                    break;
                }
            }

            return false;
        }

        private static string? SimpleName(TypeSyntax type) => type switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>Runs one member with its parameters unknown; the layers it reaches are collected.</summary>
        private void Run(SyntaxNode member)
        {
            var symbol = _model.GetDeclaredSymbol(member, _cancellationToken);
            var library = TorchLibrary.Create(_compilation)!;
            var interpreter = new Interpreter(_compilation, new LayerWatch(library, Collect), Budget.Default, _cancellationToken);
            var state = new State();
            switch (symbol)
            {
                case IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor:
                    interpreter.Construct(constructor.ContainingType, constructor, UnknownArguments(constructor), state, null, null, Interpreter.Display(constructor));
                    break;
                case IMethodSymbol method:
                    var @this = method.IsStatic ? null : new UnknownValue($"the instance {method.Name} is called on");
                    interpreter.Invoke(method, @this, UnknownArguments(method), state, null, uncertain: false);
                    break;
                case IFieldSymbol or IPropertySymbol when symbol.IsStatic && StaticInitializer(member) is { } graph
                    && symbol.ContainingType.GetMembers().OfType<IMethodSymbol>().FirstOrDefault() is { } host:
                    interpreter.Invoke(host, null, [], state, null, uncertain: false, graph: graph);
                    break;
                case INamedTypeSymbol { IsStatic: false, TypeKind: TypeKind.Class } type:
                    // A constructor that does not chain to this(...) runs the initializers; its parameters stay unknown.
                    var first = type.InstanceConstructors.OrderBy(c => c.IsImplicitlyDeclared ? 0 : 1).ThenBy(c => c.Parameters.Length).FirstOrDefault();
                    interpreter.Construct(type, first, first is null ? [] : UnknownArguments(first), state, null, null, type.Name + "()");
                    break;
            }
        }

        /// <summary>
        /// Evaluates layer calls whose arguments are constants or unchanged parameters of the member, each on its own,
        /// with the parameters unknown as in a run of the whole member: the layers are collected as in that run.
        /// </summary>
        private void RunDirect(SyntaxNode member, List<InvocationExpressionSyntax> calls)
        {
            var library = TorchLibrary.Create(_compilation)!;
            var interpreter = new Interpreter(_compilation, new LayerWatch(library, Collect), Budget.Default, _cancellationToken);
            var state = new State();
            if (member is BaseMethodDeclarationSyntax && _model.GetDeclaredSymbol(member, _cancellationToken) is IMethodSymbol method)
            {
                var arguments = UnknownArguments(method);
                for (var i = 0; i < arguments.Length; i++)
                {
                    state.Locals = state.Locals.SetItem(method.Parameters[i], arguments[i]);
                }
            }

            foreach (var call in calls)
            {
                if (_model.GetOperation(call, _cancellationToken) is { } operation)
                {
                    interpreter.Evaluate(operation, interpreter.EntryFrame, state);
                }
            }
        }

        private ControlFlowGraph? StaticInitializer(SyntaxNode member)
        {
            var initializer = member switch
            {
                VariableDeclaratorSyntax v => (SyntaxNode?)v.Initializer,
                PropertyDeclarationSyntax p => p.Initializer,
                _ => null,
            };
            return initializer is null ? null : CompilationFacts.For(_compilation).InitializerGraph(initializer, _cancellationToken);
        }

        private static Value[] UnknownArguments(IMethodSymbol method) =>
            method.Parameters.Select(p => Interpreter.Unknown(p.Type, $"parameter {p.Name} of {Interpreter.Display(method)}")).ToArray();

        private void Collect(LayerSite site)
        {
            if (site.Rule == ModuleRule.Geometry && site.Geometry is not null && _seen.Add(site))
            {
                _sites.Add(site);
            }
        }

        /// <summary>
        /// Where a finding about <paramref name="parameter"/> goes: the constant when a call passed it in (a block's
        /// constructor, a helper), else the argument written for it in the layer's call, else the call.
        /// </summary>
        private SyntaxNode Responsible(LayerSite site, string? parameter)
        {
            if (parameter is not null && PassedIn(site, parameter))
            {
                return site.Arguments[parameter].Origin!;
            }

            return parameter is not null && ArgumentFor(site, parameter) is { } argument ? argument : site.Call;
        }

        /// <summary>True when the value was written in another call's arguments and reached the layer through a parameter.</summary>
        private static bool PassedIn(LayerSite site, string parameter) =>
            site.Arguments.TryGetValue(parameter, out var value) && value.Origin is { } origin
            && (origin.SyntaxTree != site.Call.SyntaxTree || !site.Call.Span.Contains(origin.Span))
            && origin.AncestorsAndSelf().OfType<ArgumentSyntax>().Any(a => a.Parent is ArgumentListSyntax { Parent: InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or ConstructorInitializerSyntax });

        private ArgumentSyntax? ArgumentFor(LayerSite site, string parameter)
        {
            if (ModelOf(site.Call.SyntaxTree)?.GetOperation(site.Call, _cancellationToken) is not IInvocationOperation operation)
            {
                return null;
            }

            var method = operation.TargetMethod;
            return operation.Arguments.FirstOrDefault(a => !a.IsImplicit && a.Parameter is { } p && LayerTable.PyTorchName(method.Name, p.Name) == parameter)?.Syntax as ArgumentSyntax;
        }

        private List<FixEdit>? Edits(LayerSite site, IReadOnlyList<(string, long[])> changes) =>
            ModelOf(site.Call.SyntaxTree) is { } model ? FixEdits.SetArguments(model, site, changes, _cancellationToken, p => PassedIn(site, p)) : null;

        /// <summary>The findings of one layer as built in one context.</summary>
        private IEnumerable<Finding> Check(LayerSite site)
        {
            var g = site.Geometry!;

            // What TorchSharp's forward(x) raises, and what the code asks for per dimension: report both, once each.
            var violations = ShapeAlgebra.Validate(g, OutputPaddingSemantics.TorchSharpForward)
                .Concat(ShapeAlgebra.Validate(g, OutputPaddingSemantics.PerDimension))
                .GroupBy(v => (v.Rule, v.Parameter, v.Dimension))
                .Select(v => v.First());
            foreach (var group in violations.GroupBy(v => (v.DiagnosticId, v.Parameter)))
            {
                var descriptor = group.Key.DiagnosticId switch
                {
                    RuleIdentifiers.OutputPaddingNotSmaller => DiagnosticDescriptors.OutputPaddingNotSmaller,
                    RuleIdentifiers.InvalidHyperparameter => DiagnosticDescriptors.InvalidHyperparameter,
                    _ => null,
                };
                if (descriptor is null)
                {
                    continue;
                }

                var facts = ImmutableDictionary<string, string?>.Empty;
                var fixes = new List<(string, List<FixEdit>?)>();
                if (group.Key.DiagnosticId == RuleIdentifiers.OutputPaddingNotSmaller && OutputPaddingFix(g) is var (kind, padding, outputPadding, smaller))
                {
                    facts = facts.Add("fix", kind).Add("output_padding", string.Join(",", outputPadding));
                    facts = padding is null ? facts.Add("smaller", smaller.ToString(CultureInfo.InvariantCulture)) : facts.Add("padding", string.Join(",", padding));
                    var changes = padding is null
                        ? new List<(string, long[])> { ("output_padding", outputPadding) }
                        : new List<(string, long[])> { ("padding", padding), ("output_padding", outputPadding) };
                    fixes.Add((string.Empty, Edits(site, changes)));
                }

                yield return new Finding(descriptor, Responsible(site, group.Key.Parameter), MergeMessages(group.ToList(), g.SpatialRank), site, facts, fixes);
            }

            if (Collapse(site) is { } collapse)
            {
                yield return collapse;
            }
        }

        /// <summary>
        /// CONV001's fix when output_padding ≥ stride and ≥ dilation as written: a legal (padding, output_padding) that keeps
        /// the output size for every input (output_padding − 2·padding unchanged), else the largest legal output_padding.
        /// </summary>
        private static (string Kind, long[]? Padding, long[] OutputPadding, long Smaller)? OutputPaddingFix(LayerGeometry g)
        {
            if (g.Kind != LayerKind.ConvTranspose || g.Padding.KnownValues is not { } padding || g.OutputPadding.KnownValues is not { } outputPadding
                || g.Stride.KnownValues is not { } stride || g.Dilation.KnownValues is not { } dilation
                || !Enumerable.Range(0, g.SpatialRank).Any(d => outputPadding[d] >= stride[d] && outputPadding[d] >= dilation[d]))
            {
                // Fine as written per dimension: a value TorchSharp's forward(x) collapses is CONV007's business.
                return null;
            }

            var newPadding = (long[])padding.Clone();
            var newOutputPadding = (long[])outputPadding.Clone();
            var sameSize = true;
            for (var d = 0; d < g.SpatialRank; d++)
            {
                var limit = System.Math.Max(stride[d], dilation[d]);
                if (outputPadding[d] < limit)
                {
                    continue;
                }

                // (i−1)s − 2p + d(k−1) + op + 1 stays the same while op − 2p does: lower p by q and op by 2q.
                var lower = (outputPadding[d] - (limit - 1) + 1) / 2;
                var op = outputPadding[d] - (2 * lower);
                if (op >= 0 && op < limit && padding[d] >= lower)
                {
                    newPadding[d] = padding[d] - lower;
                    newOutputPadding[d] = op;
                }
                else
                {
                    sameSize = false;
                }
            }

            if (sameSize && newOutputPadding.Distinct().Count() == 1 && newPadding.Distinct().Count() == 1)
            {
                return (SameSizeFix, newPadding, newOutputPadding, 0);
            }

            var largest = Enumerable.Range(0, g.SpatialRank).Select(d => System.Math.Min(outputPadding[d], System.Math.Max(stride[d], dilation[d]) - 1)).ToArray();
            return largest.Distinct().Count() == 1 ? (LargestLegalFix, null, largest, outputPadding.Zip(largest, (a, b) => a - b).Max()) : null;
        }

        /// <summary>One message per argument: dimensions failing the same way are named once ("… in H; the same in W").</summary>
        private static string MergeMessages(List<Violation> violations, int rank)
        {
            var first = violations[0];
            var sameElsewhere = new List<string>();
            var different = new List<string>();
            foreach (var other in violations.Skip(1))
            {
                if (first.Dimension is int d && other.Dimension is int o && other.Rule == first.Rule
                    && other.Message.Replace(" " + ArithmeticText.DimensionName(o, rank) + " ", " " + ArithmeticText.DimensionName(d, rank) + " ") == first.Message)
                {
                    sameElsewhere.Add(ArithmeticText.DimensionName(o, rank));
                }
                else if (other.Message != first.Message)
                {
                    different.Add(other.Message);
                }
            }

            var message = first.Message + (sameElsewhere.Count > 0 ? " (the same in " + string.Join(" and ", sameElsewhere) + ")" : string.Empty);
            return different.Count > 0 ? message + "; " + string.Join("; ", different) : message;
        }

        /// <summary>CONV007: a tuple output_padding with differing elements, which TorchSharp 0.107's forward(x) collapses.</summary>
        private Finding? Collapse(LayerSite site)
        {
            var g = site.Geometry!;
            var written = site.Arguments.TryGetValue("output_padding", out var value) && value is TupleValue or ItemsValue;
            if (g.Kind != LayerKind.ConvTranspose || !written || g.OutputPadding.KnownValues is not { } outputPadding || outputPadding.Distinct().Count() < 2)
            {
                return null;
            }

            // When both the written and the collapsed output_padding break a rule, the layer fails either way and
            // CONV001/CONV002 already say why; the collapse changes nothing the user could observe.
            if (ShapeAlgebra.Validate(g, OutputPaddingSemantics.PerDimension).Count > 0 && ShapeAlgebra.Validate(g, OutputPaddingSemantics.TorchSharpForward).Count > 0)
            {
                return null;
            }

            var collapsed = Enumerable.Repeat(outputPadding[0], outputPadding.Length);
            var message = $"TorchSharp 0.107 {g.TorchName}.forward(x) applies output_padding[0] = {outputPadding[0]} to every dimension: the code asks for output_padding {ArithmeticText.Tuple(outputPadding)}, "
                + $"but forward(x) uses {ArithmeticText.Tuple(collapsed)}. Call forward(x, output_size) with the spatial sizes for an exact result, or use equal elements where they give the same sizes.";
            var (facts, fixes) = CollapseFixes(site);
            if (ShapeAlgebra.Validate(g, OutputPaddingSemantics.TorchSharpForward).Count == 0)
            {
                // Whatever the input: writing what forward(x) already runs keeps every shape and removes the misleading tuple.
                facts = facts.Add("collapsed", string.Join(",", collapsed));
                fixes.Add((CollapsedAction, Edits(site, [("output_padding", collapsed.ToArray())])));
            }

            return new Finding(DiagnosticDescriptors.TupleOutputPaddingCollapses, Responsible(site, "output_padding"), message, site, facts, fixes);
        }

        /// <summary>
        /// The exact forms for the one input the layer receives in its file's networks: <c>forward(x, output_size)</c> at its
        /// single direct call site, and equal output_padding elements (with per-dimension padding) where they give the intended sizes.
        /// </summary>
        private (ImmutableDictionary<string, string?> Facts, List<(string, List<FixEdit>?)> Fixes) CollapseFixes(LayerSite site)
        {
            var facts = ImmutableDictionary<string, string?>.Empty;
            var fixes = new List<(string, List<FixEdit>?)>();
            var g = site.Geometry!;
            if (site.Call.SyntaxTree != _model.SyntaxTree || LayerFacts.From(_runs ??= LayerFacts.RunsOf(_compilation, _model, _cancellationToken), site.Call) is not { Inputs: [var spatial] }
                || ShapeAlgebra.ForwardSpatial(g, spatial, OutputPaddingSemantics.PerDimension).Sizes is not { } intended)
            {
                return (facts, fixes);
            }

            facts = facts.Add("result", string.Join(",", intended));
            fixes.Add((OutputSizeAction, FixEdits.UseOutputSize(_model, site, g.SpatialRank, intended, _cancellationToken)));
            if (EqualElements(g, spatial, intended) is { } equal)
            {
                facts = facts.Add("padding", string.Join(",", equal.Padding)).Add("output_padding", string.Join(",", equal.OutputPadding));
                fixes.Add((EqualElementsAction, Edits(site, [("padding", equal.Padding), ("output_padding", equal.OutputPadding)])));
            }

            return (facts, fixes);
        }

        /// <summary>One output_padding for every dimension (padding per dimension) that gives the intended sizes, if any.</summary>
        private static TransposedFix? EqualElements(LayerGeometry g, long[] input, long[] intended)
        {
            if (g.Kernel.KnownValues is not { } k || g.Stride.KnownValues is not { } s || g.Dilation.KnownValues is not { } d)
            {
                return null;
            }

            var solutions = Enumerable.Range(0, g.SpatialRank).Select(i => OutputPaddingSolver.Solve(input[i], intended[i], k[i], s[i], d[i])).ToList();
            foreach (var op in solutions[0].Select(p => p.OutputPadding).Distinct().OrderBy(o => o))
            {
                var paddings = solutions.Select(list => list.Where(p => p.OutputPadding == op).Select(p => (long?)p.Padding).FirstOrDefault()).ToList();
                if (paddings.All(p => p is not null))
                {
                    return new TransposedFix(paddings.Select(p => p!.Value).ToArray(), Enumerable.Repeat(op, g.SpatialRank).ToArray());
                }
            }

            return null;
        }
    }

    /// <summary>The TorchSharp model, watched: every layer a factory call builds is handed to <c>collect</c>.</summary>
    private sealed class LayerWatch : ILibraryModel
    {
        private readonly TorchLibrary _library;
        private readonly System.Action<LayerSite> _collect;

        public LayerWatch(TorchLibrary library, System.Action<LayerSite> collect)
        {
            _library = library;
            _collect = collect;
        }

        public Value? Invoke(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation)
        {
            var result = _library.Invoke(interpreter, frame, state, method, receiver, arguments, operation);
            if (state.Get<LibraryObject>(result)?.Payload is LayerModule layer && layer.Site.Call == operation.Syntax)
            {
                _collect(layer.Site);
            }

            return result;
        }

        public Value? Intercept(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value? receiver, Value[] arguments, IOperation operation) =>
            _library.Intercept(interpreter, frame, state, method, receiver, arguments, operation);

        public Value? GetProperty(Interpreter interpreter, Frame frame, State state, IPropertySymbol property, Value? receiver, Value[] arguments, IOperation operation) =>
            _library.GetProperty(interpreter, frame, state, property, receiver, arguments, operation);

        public Value? Construct(Interpreter interpreter, Frame frame, State state, INamedTypeSymbol type, IMethodSymbol? constructor, Value[] arguments, IOperation operation) =>
            _library.Construct(interpreter, frame, state, type, constructor, arguments, operation);

        public Value? Operator(Interpreter interpreter, Frame frame, State state, IMethodSymbol method, Value[] arguments, IOperation operation) =>
            _library.Operator(interpreter, frame, state, method, arguments, operation);
    }
}
