using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Generators;

/// <summary>
/// Generates verified mirror decoders for <c>[MirrorDecoder(typeof(Encoder))]</c> partial classes (DESIGN.md §5):
/// every encoder stage gets its inverse, in reverse order, and nothing is emitted unless the decoder's own trace,
/// computed with the shape arithmetic, equals the reversed encoder trace.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class MirrorDecoderGenerator : IIncrementalGenerator
{
    public const string AttributeName = "ConvAnalyzers.MirrorDecoderAttribute";

    /// <summary>The tracking name of the parse step, for caching tests.</summary>
    public const string ParseStep = "MirrorDecoderParse";

    private readonly ParseCache _cache = new();

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Only the spec is a pipeline value (no location, no symbol): a class that cannot be mirrored yields null and
        // gets nothing emitted; why is reported by MirrorDecoderAnalyzer, which runs the same parser, at real source
        // locations where #pragma and .editorconfig apply.
        var specs = context.SyntaxProvider.ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                (syntax, cancellationToken) => _cache.GetOrParse((INamedTypeSymbol)syntax.TargetSymbol, (ClassDeclarationSyntax)syntax.TargetNode, syntax.Attributes[0], syntax.SemanticModel.Compilation, cancellationToken).Spec)
            .WithTrackingName(ParseStep);

        context.RegisterSourceOutput(
            specs.Where(static s => s is not null),
            static (output, spec) => output.AddSource(Emitter.HintName(spec!), SourceText.From(Emitter.Emit(spec!), System.Text.Encoding.UTF8)));
    }
}
