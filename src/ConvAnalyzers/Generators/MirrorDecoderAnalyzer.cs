using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.Generators;

/// <summary>
/// CONV101–CONV106: why <see cref="MirrorDecoderGenerator"/> emits nothing for a <c>[MirrorDecoder]</c> class. The
/// generator's own parser decides (so the two agree on every class); reported from an analyzer, at source locations of
/// the compilation, so that <c>#pragma warning disable</c>, <c>.editorconfig</c> and suppressions apply to them as to any
/// analyzer diagnostic, which a generator's diagnostics (created with a path-based location) do not get.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MirrorDecoderAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Reported = ImmutableArray.Create(
        DiagnosticDescriptors.EncoderNotInSource,
        DiagnosticDescriptors.EncoderInputUnknown,
        DiagnosticDescriptors.DecoderNotPartial,
        DiagnosticDescriptors.LayerNotMirrorable,
        DiagnosticDescriptors.ArgumentNotConstant,
        DiagnosticDescriptors.NoExactMirror);

    /// <summary>A file whose text does not contain the attribute's name cannot apply it.</summary>
    private static readonly string[] AttributeWords = ["MirrorDecoder"];

    /// <summary>Kept apart from the generator's: the analyzers' compilation also holds the generated trees.</summary>
    private readonly MirrorDecoderGenerator.ParseCache _cache = new();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Reported.AddRange(Reported.Select(DiagnosticDescriptors.AtCompilationEnd));

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("TorchSharp.torch") is null)
            {
                return;
            }

            var attributeType = start.Compilation.GetTypeByMetadataName(MirrorDecoderGenerator.AttributeName);

            // A problem found in another file than the decoder's (an encoder layer) is known only with that file: at compilation end.
            var elsewhere = new ConcurrentDictionary<(string Id, Location Location, string Message), Diagnostic>();
            start.RegisterSemanticModelAction(context =>
            {
                var tree = context.SemanticModel.SyntaxTree;
                if (attributeType is null || !CandidateInvocations.Mentions(tree.GetText(context.CancellationToken), AttributeWords))
                {
                    return;
                }

                var classes = tree.GetRoot(context.CancellationToken)
                    .DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax)
                    .OfType<ClassDeclarationSyntax>()
                    .Where(static c => c.AttributeLists.Count > 0);
                foreach (var syntax in classes)
                {
                    if (Problem(context.SemanticModel, syntax, attributeType, context.CancellationToken) is not { } problem)
                    {
                        continue;
                    }

                    if (problem.Location.SourceTree == tree)
                    {
                        context.ReportDiagnostic(MirrorDecoderGenerator.Parser.ToDiagnostic(problem, atCompilationEnd: false));
                    }
                    else
                    {
                        var diagnostic = MirrorDecoderGenerator.Parser.ToDiagnostic(problem, atCompilationEnd: true);
                        elsewhere.TryAdd((diagnostic.Id, diagnostic.Location, diagnostic.GetMessage(CultureInfo.InvariantCulture)), diagnostic);
                    }
                }
            });
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var diagnostic in elsewhere.Values)
                {
                    end.ReportDiagnostic(diagnostic);
                }
            });
        });
    }

    /// <summary>Why nothing is generated for <paramref name="syntax"/>, when it carries <c>[MirrorDecoder]</c> and the parser says so.</summary>
    private MirrorDecoderGenerator.Problem? Problem(SemanticModel model, ClassDeclarationSyntax syntax, INamedTypeSymbol attributeType, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(syntax, cancellationToken) is not { } decoder)
        {
            return null;
        }

        // As ForAttributeWithMetadataName gives it to the generator: the first such attribute on this declaration.
        var attribute = decoder.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType)
            && a.ApplicationSyntaxReference is { } reference && reference.SyntaxTree == syntax.SyntaxTree && syntax.Span.Contains(reference.Span));
        return attribute is null ? null : _cache.GetOrParse(decoder, syntax, attribute, model.Compilation, cancellationToken).Problem;
    }
}
