using System.Text.RegularExpressions;
using ConvAnalyzers.Arithmetic;
using TorchSharp;
using static TorchSharp.torch;

namespace ConvAnalyzers.LibTorchTests.Oracle;

/// <summary>What happened when a case ran in TorchSharp, and whether the arithmetic predicted it.</summary>
public sealed record OracleVerdict(bool Agrees, string Predicted, string Actual, Rule? MatchedRule);

/// <summary>Runs one case in real TorchSharp and compares with <see cref="ShapeAlgebra"/>'s prediction.</summary>
public static class OracleRunner
{
    public static OracleVerdict Run(OracleCase c)
    {
        var predicted = ShapeAlgebra.Forward(c.Geometry, c.Input, OutputPaddingSemantics.TorchSharpForward, c.RequestedOutputSize);
        using var scope = torch.NewDisposeScope();
        long[]? actualShape = null;
        string? error = null;
        try
        {
            var forward = TorchLayerFactory.Build(c);
            using var x = torch.zeros(c.Input.Dims.ToArray());
            using var y = forward(x);
            actualShape = y.shape;
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException or ArithmeticException or InvalidOperationException or NullReferenceException)
        {
            error = e.Message.Split('\n')[0];
        }

        var actual = error ?? "shape " + ArithmeticText.Shape(actualShape!);
        var predictedText = predicted.IsValid
            ? "shape " + ArithmeticText.Shape(predicted.Output!.Dims)
            : predicted.IsKnown ? string.Join(" | ", predicted.Violations.Select(v => $"{v.Rule}: {v.Message}")) : "unknown";

        if (predicted.IsValid)
        {
            var agrees = error is null && actualShape!.SequenceEqual(predicted.Output!.Dims);
            return new OracleVerdict(agrees, predictedText, actual, null);
        }

        if (!predicted.IsKnown)
        {
            return new OracleVerdict(false, predictedText, actual, null);
        }

        if (error is null)
        {
            // Measured: libtorch returns an empty tensor for some zero-sized outputs instead of raising.
            var empty = predicted.Violations.Any(v => v.MayReturnEmpty) && actualShape!.Any(d => d == 0);
            return new OracleVerdict(empty, predictedText, actual, empty ? Rule.OutputTooSmall : null);
        }

        foreach (var violation in predicted.Violations)
        {
            if (RuleInfo.Of(violation.Rule).MessageFamily.Any(pattern => Regex.IsMatch(error, pattern)))
            {
                return new OracleVerdict(true, predictedText, actual, violation.Rule);
            }
        }

        return new OracleVerdict(false, predictedText, actual, null);
    }
}
