using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// The layer analyzer's test sources, with their expected diagnostics as markup. The analyzer tests verify the
/// markup; the libtorch tests compile the same sources and run every layer in them in TorchSharp.
/// </summary>
public static class LayerAnalyzerSources
{
    public const string Usings = "using System; using System.Collections.Generic; using TorchSharp; using static TorchSharp.torch;\n";

    /// <summary>Sources that do not compile on purpose (code being typed): analyzed, never executed.</summary>
    public static readonly IReadOnlyCollection<string> Incomplete = new[] { "Incomplete_code_while_typing_is_silent_and_does_not_crash" };

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["Output_padding_equal_to_stride_is_CONV001_on_the_argument"] = InMethod("var d = nn.ConvTranspose2d(1, 1, 2, stride: 2, {|CONV001:output_padding: 2|});"),
        ["Output_padding_with_stride_1_is_CONV001"] = InMethod("var d = nn.ConvTranspose2d(1, 1, 2, 1, 0, {|CONV001:1|});"),
        ["Dilation_2_makes_output_padding_1_legal"] = InMethod("var d = nn.ConvTranspose2d(1, 1, 3, stride: 1, output_padding: 1, dilation: 2);"),
        ["Collapse_of_a_tuple_is_CONV001_and_CONV007"] = InMethod("var d = nn.ConvTranspose2d(1, 1, (3, 3), stride: (3, 2), {|CONV001:{|CONV007:output_padding: (2, 0)|}|});"),
        ["Differing_tuple_elements_are_CONV007"] = InMethod("var d = nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), {|CONV007:output_padding: (1, 0)|});"),
        ["Equal_tuple_elements_are_silent"] = InMethod("var d = nn.ConvTranspose3d(128, 256, (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1), output_padding: (1, 1, 1));"),
        ["Seed_layers_are_silent"] = InMethod("""
            var e = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);
            var d1 = nn.ConvTranspose3d(128, 256, 3, 2);
            var d2 = nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1);
            """),
        ["Non_positive_and_negative_hyperparameters_are_CONV002_on_their_arguments"] = InMethod("""
            var a = nn.Conv2d(3, 8, {|CONV002:0|});
            var b = nn.Conv2d(3, 8, 3, {|CONV002:stride: 0|});
            var c = nn.Conv2d(3, 8, 3, {|CONV002:padding: -1|});
            var d = nn.Conv2d(3, 8, 3, {|CONV002:dilation: 0|});
            var e = nn.Conv2d({|CONV002:0|}, 8, 3);
            var f = nn.ConvTranspose2d(3, 8, 3, stride: 2, {|CONV002:output_padding: -1|});
            var g = nn.Conv2d(4, 8, 3, {|CONV002:groups: 0|});
            """),
        ["Channels_not_divisible_by_groups_is_CONV002"] = InMethod("var a = nn.Conv2d(4, 6, 3, {|CONV002:groups: 3|});"),
        ["Same_padding_with_stride_is_CONV002"] = InMethod("var a = nn.Conv2d(3, 8, 3, Padding.Same, {|CONV002:stride: 2|});"),
        ["Same_and_valid_padding_at_stride_1_are_silent"] = InMethod("var a = nn.Conv2d(3, 8, 4, Padding.Same); var b = nn.Conv1d(3, 8, 3, Padding.Valid, stride: 2);"),
        ["Reflect_padding_on_a_ConvTranspose_is_CONV002"] = InMethod("var a = nn.ConvTranspose2d(3, 8, 3, {|CONV002:padding_mode: PaddingModes.Reflect|});"),
        ["Pool_padding_over_half_the_kernel_is_CONV002"] = InMethod("""
            var a = nn.MaxPool2d(3, {|CONV002:padding: 2|});
            var b = nn.MaxPool2d((3, 1), {|CONV002:padding: (2, 0)|}, dilation: (2, 1));
            var c = nn.AvgPool2d(kernel_size: new long[] { 2, 2 }, {|CONV002:padding: new long[] { 2, 0 }|});
            var ok = nn.MaxPool2d(kernel_size: new long[] { 2, 2 });
            """),
        ["AdaptiveMaxPool3d_is_CONV002_because_TorchSharp_cannot_run_it"] = InMethod("var a = {|CONV002:nn.AdaptiveMaxPool3d(new long[] { 2, 2, 2 })|};"),
        ["Feature_layers_with_impossible_arguments_are_CONV002"] = InMethod("""
            var a = nn.Linear({|CONV002:0|}, 10);
            var b = nn.BatchNorm2d({|CONV002:-1|});
            var c = nn.Flatten({|CONV002:3|}, 1);
            var d = nn.Unflatten({|CONV002:-1|}, new long[] { 4, 4 });
            var e = nn.Unflatten(1, {|CONV002:new long[] { -1, -1 }|});
            var ok = nn.Sequential(nn.Flatten(), nn.Linear(64, 10), nn.Unflatten(1, new long[] { 2, 5 }), nn.BatchNorm1d(2));
            """),
        ["Using_static_and_fully_qualified_forms_bind_by_symbol"] = """
            using static TorchSharp.torch.nn;
            class C
            {
                object a = ConvTranspose2d(1, 1, 2, stride: 2, {|CONV001:output_padding: 2|});
                object b = TorchSharp.torch.nn.ConvTranspose2d(1, 1, 2, stride: 2, {|CONV001:output_padding: 2|});
            }
            """,
        ["Constants_locals_and_static_readonly_fields_are_evaluated"] = Usings + """
            class C
            {
                const long Stride = 2;
                static readonly long OutputPadding = Stride;
                static readonly (long, long) Kernel = (3, 3);
                void M()
                {
                    const int op = 2;
                    var k = 3;
                    var twice = k - 1;
                    var a = nn.ConvTranspose2d(1, 1, 2, stride: Stride, {|CONV001:output_padding: OutputPadding|});
                    var b = nn.ConvTranspose2d(1, 1, k, stride: 2, {|CONV001:output_padding: op|});
                    var c = nn.ConvTranspose2d(1, 1, k, stride: twice, {|CONV001:output_padding: true ? twice : 0|});
                    var d = nn.Conv2d(1, 1, Kernel, {|CONV002:stride: ((long)0, 1)|});
                    var e = nn.ConvTranspose2d(1, 1, k, stride: 2, {|CONV001:output_padding: (long)(2.9)|});
                }
            }
            """,
        ["Unknown_values_are_silent"] = Usings + """
            class C
            {
                static long stride = 2;
                nn.Module<Tensor, Tensor> Helper(long op) => nn.ConvTranspose2d(1, 1, 2, stride: 2, output_padding: op);
                void M(int arg)
                {
                    var k = 3;
                    k = arg;
                    var a = nn.ConvTranspose2d(1, 1, k, stride: 1, output_padding: k);
                    var b = nn.ConvTranspose2d(1, 1, 2, stride: stride, output_padding: 2);
                    foreach (var s in new long[] { 1, 2 })
                    {
                        // The first iteration has stride 1: output_padding 1 is rejected there.
                        var c = nn.ConvTranspose2d(1, 1, 2, stride: s, {|CONV001:output_padding: 1|});
                    }

                    var layers = new List<nn.Module<Tensor, Tensor>>();
                    for (long i = 0; i < 3; i++)
                    {
                        // The first iteration has stride 0.
                        layers.Add(nn.Conv2d(3, 3, 3, {|CONV002:stride: i|}));
                    }

                    var (p, q) = (1L, 2L);
                    var d = nn.Conv2d(3, 3, 3, {|CONV002:stride: p - 1|});
                    var e = nn.Conv2d(3, 3, 3, stride: q - 1);
                }
            }
            """,
        ["Static_field_initializers_are_analysed"] = Usings + """
            class Layers
            {
                static readonly nn.Module<Tensor, Tensor> Up = nn.ConvTranspose2d(1, 1, 3, stride: 2, {|CONV001:output_padding: 2|});
                static readonly nn.Module<Tensor, Tensor> Fine = nn.ConvTranspose2d(1, 1, 3, stride: 2, output_padding: 1);
                static nn.Module<Tensor, Tensor> Pool { get; } = nn.MaxPool2d(2, stride: 2);
            }
            """,
        ["Sequential_with_named_tuples_reports_inside_the_tuple"] = InMethod("""
            var seq = nn.Sequential(
                ("c1", nn.Conv2d(3, 64, kernel_size: 3, stride: 2, padding: 1)),
                ("up", nn.ConvTranspose2d(64, 3, 3, stride: 2, padding: 1, {|CONV001:output_padding: 2|})));
            """),
        ["Field_initialisers_are_analysed"] = Usings + """
            class Net : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(64, 3, 4, stride: 2, padding: 1, {|CONV001:output_padding: 3|});
                public Net() : base(nameof(Net)) { RegisterComponents(); }
                public override Tensor forward(Tensor x) => up.forward(x);
            }
            """,
        ["Incomplete_code_while_typing_is_silent_and_does_not_crash"] = Usings + """
            class C
            {
                void M()
                {
                    var a = nn.ConvTranspose2d(1, 1, 2, stride: 2, output_padding: {|CS1525:)|};
                    var b = nn.Conv2d(1, {|CS1503:"x"|}, 3);
                    var c = nn.{|CS0117:Conv4d|}(1, 1, 3);
                    var d = nn.MaxPool2d(kernel_size: new long[] { 2, 2, 2 });
                }
            }
            """,
    };

    private static string InMethod(string body) => Usings + "class C { void M() {\n" + body + "\n} }";
}
