using System;
using System.Collections.Generic;
using System.Threading;
using ConvAnalyzers.Arithmetic;
using ConvAnalyzers.Model;
using Microsoft.CodeAnalysis;

namespace ConvAnalyzers.Extraction;

/// <summary>Runs a module class on its inputs with the arithmetic: what the analyzers report and the refactorings read.</summary>
internal static class NetworkRun
{
    public static (PropagationReport Report, List<(TensorShape Input, TensorShape? Output, List<(LayerCall Call, TensorShape Output)> Trace)> Outputs) Run(
        TorchSharpSymbols symbols, Func<INamedTypeSymbol, ModuleModel?> resolve, ModuleModel model, ModuleModel? encoder, IEnumerable<TensorShape> inputs, CancellationToken cancellationToken)
    {
        var runner = new ModuleRunner(symbols, resolve, cancellationToken);
        var report = new PropagationReport();
        var outputs = new List<(TensorShape Input, TensorShape? Output, List<(LayerCall Call, TensorShape Output)> Trace)>();
        foreach (var input in inputs)
        {
            var label = ArithmeticText.Shape(input.Dims);
            var value = TensorValue.Input(input);
            if (encoder is not null)
            {
                // [MirrorOf]: the encoder's flow runs first (its own findings are its own), then the decoder's
                // continues with the encoder's output and its stack of shapes to give back.
                value = runner.Run(encoder, value, new ShapePropagator(new PropagationReport(), label, runner));
                label += $" through {encoder.Type.Name}";
            }

            var propagator = new ShapePropagator(report, label, runner);
            var output = runner.Run(model, value, propagator);
            outputs.Add((input, output?.Shape, propagator.Trace));
        }

        return (report, outputs);
    }
}
