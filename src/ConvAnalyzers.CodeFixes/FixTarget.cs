using System.Threading;
using ConvAnalyzers.Extraction;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.CodeFixes;

/// <summary>What every fix starts from: the layer call a diagnostic (or the cursor) sits in.</summary>
internal static class FixTarget
{
    /// <summary>The invocation containing <paramref name="span"/> (a diagnostic on an argument sits in its call).</summary>
    public static InvocationExpressionSyntax? Invocation(SyntaxNode? root, TextSpan span) =>
        root?.FindNode(span, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>();

    /// <summary>The TorchSharp layer that invocation builds, as the analyzers read it.</summary>
    public static LayerCall? Layer(SemanticModel model, InvocationExpressionSyntax invocation, TorchSharpSymbols symbols, CancellationToken cancellationToken) =>
        model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation ? LayerCall.TryCreate(operation, symbols, cancellationToken) : null;
}
