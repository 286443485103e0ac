using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ConvAnalyzers.Analyzers;

/// <summary>
/// Whether a Hidden-by-default diagnostic (CONV000, CONV012) is raised in a file, so that it is computed only where
/// someone will see it (DESIGN §4). Every usual way of setting a severity counts, first match wins: the file's
/// <c>.editorconfig</c> entry <c>dotnet_diagnostic.ID.severity</c>; a global config's; the compilation's specific
/// options (rule sets, <c>-warnaserror+:ID</c>, <c>-nowarn:ID</c>, <c>SpecificDiagnosticOptions</c>); the category
/// entry <c>dotnet_analyzer_diagnostic.category-TorchSharp.Shapes.severity</c>; the all-analyzers entry
/// <c>dotnet_analyzer_diagnostic.severity</c>; else the descriptor's default.
/// </summary>
internal sealed class EffectiveSeverity
{
    private readonly Compilation _compilation;
    private readonly AnalyzerOptions _options;
    private readonly DiagnosticDescriptor _descriptor;
    private readonly ConcurrentDictionary<SyntaxTree, bool> _raised = new();

    public EffectiveSeverity(Compilation compilation, AnalyzerOptions options, DiagnosticDescriptor descriptor)
    {
        _compilation = compilation;
        _options = options;
        _descriptor = descriptor;
    }

    /// <summary>True when the diagnostic would show in <paramref name="tree"/>: Info, Warning or Error there.</summary>
    public bool IsRaised(SyntaxTree tree, CancellationToken cancellationToken) =>
        _raised.TryGetValue(tree, out var known) ? known : _raised.GetOrAdd(tree, Compute(tree, cancellationToken));

    private bool Compute(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var id = _descriptor.Id;
        var report = ReportDiagnostic.Default;
        var provider = _compilation.Options.SyntaxTreeOptionsProvider;
        if (provider is not null && (provider.TryGetDiagnosticValue(tree, id, cancellationToken, out var perTree) || provider.TryGetGlobalDiagnosticValue(id, cancellationToken, out perTree)))
        {
            report = perTree;
        }
        else if (_compilation.Options.SpecificDiagnosticOptions.TryGetValue(id, out var specific))
        {
            report = specific;
        }
        else
        {
            var config = _options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            var global = _options.AnalyzerConfigOptionsProvider.GlobalOptions;
            var categoryKey = $"dotnet_analyzer_diagnostic.category-{_descriptor.Category}.severity";
            const string allKey = "dotnet_analyzer_diagnostic.severity";
            if ((config.TryGetValue(categoryKey, out var bulk) || global.TryGetValue(categoryKey, out bulk) || config.TryGetValue(allKey, out bulk) || global.TryGetValue(allKey, out bulk))
                && Parse(bulk) is { } parsed)
            {
                report = parsed;
            }
        }

        return report switch
        {
            ReportDiagnostic.Default => _descriptor.IsEnabledByDefault && _descriptor.DefaultSeverity != DiagnosticSeverity.Hidden,
            ReportDiagnostic.Error or ReportDiagnostic.Warn or ReportDiagnostic.Info => true,
            _ => false,
        };
    }

    private static ReportDiagnostic? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "error" => ReportDiagnostic.Error,
        "warning" => ReportDiagnostic.Warn,
        "suggestion" => ReportDiagnostic.Info,
        "silent" or "refactoring" => ReportDiagnostic.Hidden,
        "none" => ReportDiagnostic.Suppress,
        "default" => ReportDiagnostic.Default,
        _ => null,
    };
}
