using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace ConvAnalyzers.Binding;

/// <summary>
/// The invocations of one file whose syntax names a method the analyzers understand. A method's name is written at
/// every call of it, so filtering by name is exact: a file whose text does not contain any of the words is skipped
/// after one vectorized search, and in the others no operation tree is built for a call of anything else
/// (docs/PERFORMANCE.md). Only a name spelled with Unicode escapes (<c>\u0043onv2d</c>) is not seen.
/// </summary>
internal static class CandidateInvocations
{
    /// <summary>The simple name an invocation calls: <c>Conv2d</c> in <c>nn.Conv2d(...)</c>, <c>Conv2d(...)</c> and <c>x?.Conv2d(...)</c>.</summary>
    public static string? CalledName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>
    /// The operations of the invocations in <paramref name="model"/>'s tree (within <paramref name="span"/> when given)
    /// that <paramref name="candidate"/> accepts; none when the text contains none of <paramref name="words"/>, one of
    /// which every accepted call's name contains.
    /// </summary>
    public static IEnumerable<IInvocationOperation> Find(SemanticModel model, TextSpan? span, IReadOnlyList<string> words, System.Func<InvocationExpressionSyntax, bool> candidate, CancellationToken cancellationToken)
    {
        if (!Mentions(model.SyntaxTree.GetText(cancellationToken), words))
        {
            yield break;
        }

        var root = model.SyntaxTree.GetRoot(cancellationToken);
        foreach (var node in span is { } filter ? root.DescendantNodes(filter) : root.DescendantNodes())
        {
            if (node is InvocationExpressionSyntax invocation && candidate(invocation)
                && model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
            {
                yield return operation;
            }
        }
    }

    /// <summary>True when <paramref name="text"/> contains one of <paramref name="words"/> (ordinal), read in pooled chunks.</summary>
    public static bool Mentions(SourceText text, IReadOnlyList<string> words)
    {
        const int ChunkSize = 16 * 1024;
        var overlap = 0;
        // Indexed loops: a foreach over the interface boxed an enumerator per file and chunk.
        for (var w = 0; w < words.Count; w++)
        {
            overlap = System.Math.Max(overlap, words[w].Length - 1);
        }

        var buffer = ArrayPool<char>.Shared.Rent(ChunkSize + overlap);
        try
        {
            for (var start = 0; start < text.Length; start += ChunkSize)
            {
                var count = System.Math.Min(ChunkSize + overlap, text.Length - start);
                text.CopyTo(start, buffer, 0, count);
                var chunk = new System.ReadOnlySpan<char>(buffer, 0, count);
                for (var w = 0; w < words.Count; w++)
                {
                    if (chunk.IndexOf(words[w].AsSpan()) >= 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
