namespace ConvAnalyzers.ClientTests;

/// <summary>
/// The program the command-line fix test compiles into its copy of the models: it runs every fixed model in TorchSharp
/// and prints one line per root module call (its class, input and output shape), per declared [OutputShape], and per
/// failure. Program.Run methods are made to call <c>Roots.Call</c> only after `dotnet format` has run, so the analyzer
/// saw the original call sites.
/// </summary>
public static class FixedRun
{
    public const string RootsSource = """
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace FixedRun;

        public static class Roots
        {
            public static Tensor Call(nn.Module<Tensor, Tensor> root, Tensor x)
            {
                var y = root.call(x);
                Console.WriteLine($"root\t{root.GetType().FullName}\t{string.Join(",", x.shape)}\t{string.Join(",", y.shape)}");
                return y;
            }
        }
        """;

    public const string ProgramSource = """
        using System;
        using System.Linq;
        using System.Reflection;
        using TorchSharp;
        using static TorchSharp.torch;

        var failures = 0;
        void Run(string who, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                // Reported, not hidden: the test reads these lines and the exit code.
                var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                Console.WriteLine($"fail\t{who}\t{inner.GetType().Name}: {inner.Message.Split('\n')[0]}");
                failures++;
            }
        }

        static long[]? Shape(CustomAttributeData attribute) =>
            attribute.ConstructorArguments.Count == 1 && attribute.ConstructorArguments[0].Value is System.Collections.Generic.IReadOnlyCollection<CustomAttributeTypedArgument> values
                ? values.Select(v => Convert.ToInt64(v.Value)).ToArray()
                : null;

        foreach (var type in typeof(FixedRun.Roots).Assembly.GetTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            foreach (var output in type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "ConvAnalyzers.OutputShapeAttribute").Select(Shape))
            {
                Console.WriteLine($"output\t{type.FullName}\t{string.Join(",", output!)}");
            }

            var constructor = type.GetConstructor(Type.EmptyTypes);
            if (constructor is not null && typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
            {
                foreach (var input in type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "ConvAnalyzers.InputShapeAttribute").Select(Shape))
                {
                    Run(type.FullName!, () =>
                    {
                        using var scope = NewDisposeScope();
                        using var model = (nn.Module<Tensor, Tensor>)constructor.Invoke(null);
                        FixedRun.Roots.Call(model, zeros(input!));
                    });
                }
            }

            if (type.Name == "Program" && type.GetMethod("Run", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes) is { } run)
            {
                Run(type.FullName!, () =>
                {
                    using var scope = NewDisposeScope();
                    run.Invoke(null, null);
                });
            }
        }

        Console.WriteLine($"done\t{failures}");
        return failures == 0 ? 0 : 1;
        """;
}
