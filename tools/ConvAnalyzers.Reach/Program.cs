using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ConvAnalyzers.Analyzers;
using ConvAnalyzers.Reach;
using ConvAnalyzers.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

// Usage: ConvAnalyzers.Reach FOLDER ANNOTATIONS [--sites]
// Measures how many layer calls of real TorchSharp code the analyzers trace from the annotated input shapes.
var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var listSites = args.Contains("--sites");
var listErrors = args.Contains("--errors");
var listAllSites = args.Contains("--all-sites");
var listReach = args.Contains("--reach");
var profile = args.Contains("--profile");
if (positional.Count != 2 || !Directory.Exists(positional[0]) || !File.Exists(positional[1]))
{
    Console.Error.WriteLine("usage: ConvAnalyzers.Reach FOLDER ANNOTATIONS [--sites] [--errors] [--all-sites] [--reach] [--profile]");
    Console.Error.WriteLine("  FOLDER       C# sources, read recursively (bin/ and obj/ skipped), never modified");
    Console.Error.WriteLine("  ANNOTATIONS  one network a line: Namespace.ClassName → 1,3,224,224 ('->' too, '#' comments)");
    Console.Error.WriteLine("  --sites      also list every reached layer call with what the analyzers said about it");
    Console.Error.WriteLine("  --errors     list every compile error, not only the first five");
    Console.Error.WriteLine("  --all-sites  list every layer call of the corpus, reached or not");
    Console.Error.WriteLine("  --reach      list the classes and methods each annotated class reaches");
    Console.Error.WriteLine("  --profile    time each analyzer's actions, and each file analysed alone when it takes a second or more");
    return 2;
}

var folder = Path.GetFullPath(positional[0]);
var annotations = Annotations.Read(positional[1]);
var files = Corpus.SourceFiles(folder);
var implicitUsings = Corpus.UsesImplicitUsings(folder);
var (annotatedTrees, missing) = Annotations.Apply(Corpus.Parse(folder, files), annotations);
var compilation = Corpus.Compile(annotatedTrees.Concat(Corpus.ExtraTrees(implicitUsings)));

Console.WriteLine($"corpus: {folder} ({files.Count} files{(implicitUsings ? ", implicit usings" : string.Empty)})");
Console.WriteLine($"annotations: {positional[1]} ({annotations.Count} inputs on {annotations.Select(a => a.ClassName).Distinct().Count()} classes)");
Console.WriteLine($"analyzer: {typeof(NetworkAnalyzer).Assembly.Location}");
foreach (var annotation in missing)
{
    Console.WriteLine($"ANNOTATION NOT APPLIED: line {annotation.Line}: no class {annotation.ClassName} in the corpus");
}

var compileErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
Console.WriteLine($"compile errors: {compileErrors.Count}" + (compileErrors.Count > 0 ? (listErrors ? " (analysis continues on what binds)" : " (first five below, --errors for all; analysis continues on what binds)") : string.Empty));
foreach (var error in listErrors ? compileErrors : compileErrors.Take(5))
{
    Console.WriteLine($"  {Where(error.Location)}: {error.Id}: {error.GetMessage(CultureInfo.InvariantCulture)}");
}

// The analysis, timed on its own: the compile-error pass above already bound the corpus once, as a build would.
var analyzerExceptions = new List<string>();
var analyzerOptions = new CompilationWithAnalyzersOptions(
    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
    (exception, analyzer, _) => { lock (analyzerExceptions) { analyzerExceptions.Add($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"); } },
    concurrentAnalysis: true,
    logAnalyzerExecutionTime: profile);
var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer(), new LayerAnalyzer());
var withAnalyzers = compilation.WithAnalyzers(analyzers, analyzerOptions);
var clock = Stopwatch.StartNew();
var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
clock.Stop();
Console.WriteLine($"analysis wall clock: {clock.Elapsed.TotalSeconds:0.00} s ({diagnostics.Length} diagnostics)");
if (profile)
{
    foreach (var analyzer in analyzers)
    {
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
        Console.WriteLine($"  {analyzer.GetType().Name}: {telemetry.ExecutionTime.TotalSeconds:0.00} s in its actions");
    }

    // Where the time goes, file by file: each tree's semantic analysis on its own (local diagnostics only).
    foreach (var tree in compilation.SyntaxTrees)
    {
        var fileClock = Stopwatch.StartNew();
        await compilation.WithAnalyzers(analyzers, analyzerOptions).GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), null, CancellationToken.None);
        if (fileClock.Elapsed.TotalSeconds >= 1)
        {
            Console.WriteLine($"  {tree.FilePath}: {fileClock.Elapsed.TotalSeconds:0.00} s alone");
        }
    }
}
if (analyzerExceptions.Count > 0)
{
    Console.WriteLine($"ANALYZER EXCEPTIONS (AD0001): {analyzerExceptions.Count}");
    foreach (var line in analyzerExceptions.Distinct().Take(10))
    {
        Console.WriteLine($"  {line}");
    }
}

// Every layer call of the corpus, and what the analyzers said at each.
var sites = new List<Site>();
foreach (var tree in annotatedTrees)
{
    var model = compilation.GetSemanticModel(tree);
    sites.AddRange(LayerCallSites.Find(model, tree.GetRoot()).Select(call => new Site(call, model)));
}

var unmapped = new List<Diagnostic>();
foreach (var diagnostic in diagnostics.Where(d => d.Id is "CONV000" or "CONV012"))
{
    var span = diagnostic.Location.SourceSpan;
    var site = sites.Where(s => s.Call.SyntaxTree == diagnostic.Location.SourceTree && s.Call.Span.Contains(span))
        .MinBy(s => s.Call.Span.Length);
    if (site is null)
    {
        unmapped.Add(diagnostic);
    }
    else if (diagnostic.Id == "CONV000")
    {
        site.Traces.Add(diagnostic);
    }
    else
    {
        site.Unknowns.Add(diagnostic);
    }
}

// Reach per annotated class; a diagnosed call outside every class's lexical reach still counts in the total.
var rows = new List<(string Name, string Inputs, List<Site> Reached)>();
var inSomeClass = new HashSet<Site>();
foreach (var group in annotations.GroupBy(a => a.ClassName, StringComparer.Ordinal))
{
    var type = compilation.GetSymbolsWithName(group.Key.Split('.')[^1], SymbolFilter.Type).OfType<INamedTypeSymbol>()
        .FirstOrDefault(t => t.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)) == group.Key);
    if (type is null)
    {
        continue;
    }

    var reach = LexicalReach.From(compilation, type);
    if (listReach)
    {
        Console.WriteLine($"reach of {group.Key}: {string.Join(", ", reach.Describe())}");
    }

    var reached = sites.Where(s => reach.Contains(s.Model, s.Call)).ToList();
    inSomeClass.UnionWith(reached);
    rows.Add((group.Key, string.Join(" ", group.Select(a => "[" + a.ShapeText + "]")), reached));
}

var elsewhere = sites.Where(s => !inSomeClass.Contains(s) && s.IsDiagnosed).ToList();
var all = inSomeClass.Concat(elsewhere).ToList();

Console.WriteLine();
var nameWidth = Math.Max(30, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
Console.WriteLine($"{"network".PadRight(nameWidth)}  {"input",-22} {"traced",7}  {"CONV012",7}  {"silent",6}");
foreach (var (name, inputs, reached) in rows)
{
    Console.WriteLine($"{name.PadRight(nameWidth)}  {inputs,-22} {Ratio(reached),7}  {reached.Count(s => s.Unknowns.Count > 0),7}  {reached.Count(s => !s.IsDiagnosed),6}");
}

if (elsewhere.Count > 0)
{
    Console.WriteLine($"{"(diagnosed outside those classes)".PadRight(nameWidth)}  {string.Empty,-22} {Ratio(elsewhere),7}  {elsewhere.Count(s => s.Unknowns.Count > 0),7}  {0,6}");
}

Console.WriteLine();
Console.WriteLine($"reach: {all.Count(s => s.IsTraced)}/{all.Count} layer calls traced");
Console.WriteLine("  (M: layer calls in the annotated classes, in what they create or call, and any call with a CONV000 or CONV012;");
Console.WriteLine("   N: calls whose every CONV000 entry gives every dim but dim 0 as a number; silent: reached calls with neither)");
var mixed = all.Count(s => s.IsTraced && s.Unknowns.Count > 0);
if (mixed > 0)
{
    Console.WriteLine($"  {mixed} traced call(s) also have a CONV012 for another context");
}

if (unmapped.Count > 0)
{
    Console.WriteLine($"  {unmapped.Count} CONV000/CONV012 diagnostic(s) sit on no layer call that LayerCallSites finds, e.g. {Where(unmapped[0].Location)}");
}

Console.WriteLine();
var reasons = diagnostics.Where(d => d.Id == "CONV012").Select(d => new Reason(d)).ToList();
Console.WriteLine($"CONV012 reasons ({reasons.Count} diagnostics; names, code and numbers elided; most frequent first):");
foreach (var group in reasons.Where(r => !r.IsCascade).GroupBy(r => r.Pattern).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
{
    var example = group.First();
    Console.WriteLine($"  {group.Count(),4}  {group.Key}   [{Layers(group)}]");
    Console.WriteLine($"        e.g. {Where(example.Diagnostic.Location)}: {example.Message}");
}

var cascades = reasons.Where(r => r.IsCascade).ToList();
if (cascades.Count > 0)
{
    Console.WriteLine($"  {cascades.Count,4}  (follows from an unknown output earlier in the flow)   [{Layers(cascades)}]");
    Console.WriteLine($"        e.g. {Where(cascades[0].Diagnostic.Location)}: {cascades[0].Message}");
}

Console.WriteLine();
var alarms = diagnostics.Where(d => d.Id.StartsWith("CONV", StringComparison.Ordinal) && d.Id is not ("CONV000" or "CONV012")
        && d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error)
    .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToList();
Console.WriteLine(alarms.Count == 0
    ? "Warnings/Errors from ConvAnalyzers: none"
    : $"WARNINGS/ERRORS FROM CONVANALYZERS: {alarms.Count} (on code that runs, each is a false positive)");
foreach (var alarm in alarms)
{
    Console.WriteLine($"  {Where(alarm.Location)}: {alarm.Id} ({alarm.Severity}): {alarm.GetMessage(CultureInfo.InvariantCulture)}");
}

var infos = diagnostics.Where(d => d.Id.StartsWith("CONV", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Info)
    .GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}").ToList();
if (infos.Count > 0)
{
    Console.WriteLine($"Info: {string.Join(", ", infos)}");
}

if (listSites)
{
    Console.WriteLine();
    Console.WriteLine("reached layer calls:");
    foreach (var site in all.OrderBy(s => s.Call.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(s => s.Call.SpanStart))
    {
        var state = site.IsTraced ? "traced" : site.Traces.Count > 0 ? "partial" : site.Unknowns.Count > 0 ? "unknown" : "silent";
        Console.WriteLine($"  {Where(site.Call.GetLocation())}: {state,-7} {Snippet(site.Call)}");
        foreach (var trace in site.Traces)
        {
            Console.WriteLine($"      CONV000 {string.Join("; ", TraceEntries.Of(trace).Select(e => $"{e.Context}|{string.Join(",", e.Input)}|{string.Join(",", e.Output)}"))}");
        }

        foreach (var unknown in site.Unknowns)
        {
            Console.WriteLine($"      CONV012 {unknown.GetMessage(CultureInfo.InvariantCulture)}");
        }
    }
}

if (listAllSites)
{
    Console.WriteLine();
    Console.WriteLine($"all {sites.Count} layer calls of the corpus (* = reached):");
    var reachedSet = all.ToHashSet();
    foreach (var site in sites.OrderBy(s => s.Call.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(s => s.Call.SpanStart))
    {
        Console.WriteLine($"  {(reachedSet.Contains(site) ? "*" : " ")} {Where(site.Call.GetLocation())}: {Snippet(site.Call)}");
    }
}

return 0;

static string Ratio(IReadOnlyCollection<Site> sites) => $"{sites.Count(s => s.IsTraced)}/{sites.Count}";

static string Where(Location location)
{
    if (!location.IsInSource)
    {
        return "(no location)";
    }

    var line = location.GetLineSpan();
    return $"{line.Path}:{line.StartLinePosition.Line + 1}";
}

static string Snippet(SyntaxNode node)
{
    var text = Regex.Replace(node.ToString(), @"\s+", " ");
    return text.Length <= 90 ? text : text[..87] + "...";
}

static string Layers(IEnumerable<Reason> reasons) =>
    string.Join(", ", reasons.GroupBy(r => r.Layer).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"));

/// <summary>A CONV012 message split into the layer it is on and why that layer has no shape.</summary>
internal sealed partial class Reason
{
    private const string Marker = " has no known output shape: ";

    public Reason(Diagnostic diagnostic)
    {
        Diagnostic = diagnostic;
        Message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        var at = Message.IndexOf(Marker, StringComparison.Ordinal);
        Layer = at > 0 ? Message[..at] : "?";
        var why = at > 0 ? Message[(at + Marker.Length)..] : Message;
        IsCascade = Cascade().IsMatch(why);
        Pattern = Elide(why);
    }

    public Diagnostic Diagnostic { get; }

    public string Message { get; }

    public string Layer { get; }

    public string Pattern { get; }

    /// <summary>The layer only inherits an unknown input: the root reason is reported further up the flow.</summary>
    public bool IsCascade { get; }

    [GeneratedRegex(@"^(an argument is unknown; )?[\w.]+'s output is unknown$")]
    private static partial Regex Cascade();

    // Names, quoted code and numbers vary from call to call; what stops the trace does not.
    private static string Elide(string message)
    {
        var pattern = Regex.Replace(message, "`[^`]*`|'[^']*'|\"[^\"]*\"", "…");
        pattern = Regex.Replace(pattern, @"\S+\.cs:\d+(:\d+)?", "FILE:LINE");
        pattern = Regex.Replace(pattern, @"\[[^\]]*\]", "[…]");
        return Regex.Replace(pattern, @"\b\d+\b", "#");
    }
}

/// <summary>A layer call and the CONV000/CONV012 diagnostics on it.</summary>
internal sealed class Site(InvocationExpressionSyntax call, SemanticModel model)
{
    public InvocationExpressionSyntax Call { get; } = call;

    public SemanticModel Model { get; } = model;

    public List<Diagnostic> Traces { get; } = [];

    public List<Diagnostic> Unknowns { get; } = [];

    public bool IsDiagnosed => Traces.Count > 0 || Unknowns.Count > 0;

    /// <summary>N counts a call whose every CONV000 entry, over all its CONV000 diagnostics, is complete.</summary>
    public bool IsTraced
    {
        get
        {
            var entries = Traces.SelectMany(TraceEntries.Of).ToList();
            return entries.Count > 0 && entries.All(e => e.IsComplete);
        }
    }
}
