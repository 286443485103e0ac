using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Binding;
using ConvAnalyzers.Interpretation;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Results;

/// <summary>
/// One module class of the compilation, built the way a caller without arguments builds it, run on one input:
/// what the generator reads an encoder from (DESIGN §5). The recorder holds the layers in execution order, each
/// with the named_modules() key of the module that ran it.
/// </summary>
internal static class ModuleRun
{
    /// <summary>
    /// Builds <paramref name="type"/> with its parameterless constructor (or the one whose parameters all have
    /// defaults, which it passes; else the shortest, its parameters unknown) and applies it to <paramref name="input"/>.
    /// Null when the type has no <c>forward(Tensor)</c> in source.
    /// </summary>
    public static (NetworkRecorder Recorder, TensorValue Output)? Run(Compilation compilation, TorchLibrary library, INamedTypeSymbol type, long[] input, CancellationToken cancellationToken)
    {
        if (Forward(library, type) is not { } forward)
        {
            return null;
        }

        var recorder = new NetworkRecorder();
        library.Recorder = recorder;
        var interpreter = new Interpreter(compilation, library, Budget.Default, cancellationToken);
        var state = new State();
        var constructor = type.InstanceConstructors.Where(c => c.DeclaredAccessibility != Accessibility.Private)
            .OrderBy(c => c.Parameters.Count(p => !p.HasExplicitDefaultValue)).ThenBy(c => c.Parameters.Length).FirstOrDefault();
        var arguments = constructor?.Parameters.Select(p => p.HasExplicitDefaultValue
            ? Default(p, cancellationToken)
            : Unknown(p, $"parameter {p.Name} of {Interpreter.Display(constructor)}, which the generator builds without arguments", cancellationToken)).ToArray() ?? [];
        var creation = $"{type.Name}({string.Join(", ", arguments.Select(a => a is NumberValue n ? n.ToString() : "?"))})";
        if (interpreter.Construct(type, constructor, arguments, state, null, null, creation) is not RefValue root)
        {
            return null;
        }

        // As TorchLibrary.Apply does for a root: named_modules() keys, then forward with the module as context.
        recorder.SetRoot(state, root, library.IsModuleType);
        recorder.InputLabel = Dim.Format(Dim.From(input));
        recorder.ApplyDepth++;
        recorder.CurrentModule = root.Id;
        var result = interpreter.Invoke(forward, root, [new TensorValue(Dim.From(input), ImmutableStack<PendingPair>.Empty)], state, null, uncertain: false);
        recorder.CurrentModule = 0;
        recorder.ApplyDepth--;
        var output = result as TensorValue ?? TensorValue.Unknown($"{type.Name}.forward returns no tensor the interpreter could follow");
        recorder.Outputs.Add(new OutputRecord(type, recorder.InputLabel, Dim.From(input), output, interpreter.Exhausted is false));
        return (recorder, output);
    }

    /// <summary>A parameter's default value (an enum's as its number), whose origin is the parameter's declaration.</summary>
    private static Value Default(IParameterSymbol parameter, CancellationToken cancellationToken)
    {
        var origin = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
        return parameter.ExplicitDefaultValue switch
        {
            int or long or short or byte or sbyte or ushort or uint => Values.Number(System.Convert.ToInt64(parameter.ExplicitDefaultValue, System.Globalization.CultureInfo.InvariantCulture), origin),
            double d => new NumberValue(d) { Origin = origin },
            float f => new NumberValue(f) { Origin = origin },
            var other => new ConstantValue(other) { Origin = origin },
        };
    }

    /// <summary>An unknown parameter value whose origin is the parameter's declaration: what a finding about it points at.</summary>
    private static Value Unknown(IParameterSymbol parameter, string reason, CancellationToken cancellationToken) =>
        Interpreter.Unknown(parameter.Type, reason) is UnknownValue && parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is { } declaration
            ? new UnknownValue(reason) { Origin = declaration }
            : Interpreter.Unknown(parameter.Type, reason);

    private static IMethodSymbol? Forward(TorchLibrary library, INamedTypeSymbol type)
    {
        for (var t = type; t is not null && t.DeclaringSyntaxReferences.Length > 0; t = t.BaseType)
        {
            foreach (var member in t.GetMembers("forward").OfType<IMethodSymbol>())
            {
                if (member.Parameters.Length == 1 && library.IsTensor(member.Parameters[0].Type) && !member.IsAbstract && !member.IsStatic)
                {
                    return member;
                }
            }
        }

        return null;
    }
}
