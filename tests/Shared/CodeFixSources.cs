using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// Code fix cases: the user's code with the diagnostic as markup, and the code after the fix. The analyzer tests
/// apply the fix; the libtorch tests run the fixed code in TorchSharp and check the promised shapes.
/// </summary>
public static class CodeFixSources
{
    /// <param name="Action">The code action's equivalence key, when the fix offers several.</param>
    public sealed record Case(string Id, string Before, string After, string Module, long[] Input, long[] Output, string? Action = null);

    private static string Module(string name, string input, string fields, string forward) => NetworkAnalyzerSources.Usings + $$"""
        [ConvAnalyzers.InputShape({{input}})]
        public sealed class {{name}} : nn.Module<Tensor, Tensor>
        {
        {{fields}}
            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor x) => {{forward}};
        }
        """;

    private static string Seed(string decoder) => Module(
        "Autoencoder",
        "2, 256, 24, 32, 24",
        "    private readonly nn.Module<Tensor, Tensor> encoder = nn.Conv3d(256, 128, 3, stride: 2, padding: 1);\n    private readonly nn.Module<Tensor, Tensor> decoder = " + decoder + ";\n",
        "decoder.forward(encoder.forward(x))");

    private static readonly long[] SeedShape = { 2, 256, 24, 32, 24 };

    /// <summary>
    /// CONV007 with no exact form (inside a Sequential): the fix writes the output_padding TorchSharp 0.107's forward(x)
    /// already applies, so unlike every case in <see cref="All"/> the fixed code gives the SAME shape as before
    /// (<see cref="Case.Output"/> for both); the libtorch tests check exactly that.
    /// </summary>
    public static Case WrittenAsRun { get; } = new(
            "CONV007",
            Module("Up", "1, 1, 5, 5",
                "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), {|CONV007:output_padding: (1, 0)|}));\n",
                "net.forward(x)"),
            Module("Up", "1, 1, 5, 5",
                "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), output_padding: (1, 1)));\n",
                "net.forward(x)"),
            "Up", new long[] { 1, 1, 5, 5 }, new long[] { 1, 1, 10, 10 }, "ConvAnalyzers.OutputPaddingAsRun");

    public static IReadOnlyDictionary<string, Case> All { get; } = new Dictionary<string, Case>
    {
        ["Seed_decoder_with_padding_only_gets_output_padding"] = new(
            "CONV005",
            Seed("{|CONV005:nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1)|}"),
            Seed("nn.ConvTranspose3d(128, 256, 3, stride: 2, padding: 1, output_padding: 1)"),
            "Autoencoder", SeedShape, SeedShape),
        ["Seed_decoder_without_padding_gets_padding_and_output_padding"] = new(
            "CONV005",
            Seed("{|CONV005:nn.ConvTranspose3d(128, 256, 3, 2)|}"),
            Seed("nn.ConvTranspose3d(128, 256, 3, 2, padding: 1, output_padding: 1)"),
            "Autoencoder", SeedShape, SeedShape),
        ["Positional_arguments_stay_positional"] = new(
            "CONV005",
            Seed("{|CONV005:nn.ConvTranspose3d(128, 256, 3, 2, 0, 0)|}"),
            Seed("nn.ConvTranspose3d(128, 256, 3, 2, 1, 1)"),
            "Autoencoder", SeedShape, SeedShape),
        ["Tuples_stay_tuples_and_comments_stay"] = new(
            "CONV005",
            Module("Net2d", "1, 8, 30, 30",
                "    private readonly nn.Module<Tensor, Tensor> down = nn.Conv2d(8, 16, (3, 3), stride: (2, 2), padding: (1, 1));\n    private readonly nn.Module<Tensor, Tensor> up = {|CONV005:nn.ConvTranspose2d(16, 8, (3, 3), stride: (2, 2), /* same as down */ padding: (1, 1))|};\n",
                "up.forward(down.forward(x))"),
            Module("Net2d", "1, 8, 30, 30",
                "    private readonly nn.Module<Tensor, Tensor> down = nn.Conv2d(8, 16, (3, 3), stride: (2, 2), padding: (1, 1));\n    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(16, 8, (3, 3), stride: (2, 2), /* same as down */ padding: (1, 1), output_padding: (1, 1));\n",
                "up.forward(down.forward(x))"),
            "Net2d", new long[] { 1, 8, 30, 30 }, new long[] { 1, 8, 30, 30 }),
        ["A_constant_argument_is_changed_at_the_argument"] = new(
            "CONV005",
            Module("Net1d", "4, 2, 100", "    private const long OutputPadding = 0;\n    private readonly nn.Module<Tensor, Tensor> down = nn.Conv1d(2, 4, 4, stride: 4);\n    private readonly nn.Module<Tensor, Tensor> up = {|CONV005:nn.ConvTranspose1d(4, 2, 4, stride: 4, output_padding: OutputPadding)|};\n    private readonly nn.Module<Tensor, Tensor> other = nn.ConvTranspose1d(4, 2, 1, output_padding: OutputPadding);\n", "up.forward(down.forward(x))").Replace("100", "101"),
            Module("Net1d", "4, 2, 100", "    private const long OutputPadding = 0;\n    private readonly nn.Module<Tensor, Tensor> down = nn.Conv1d(2, 4, 4, stride: 4);\n    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose1d(4, 2, 4, stride: 4, output_padding: 1);\n    private readonly nn.Module<Tensor, Tensor> other = nn.ConvTranspose1d(4, 2, 1, output_padding: OutputPadding);\n", "up.forward(down.forward(x))").Replace("100", "101"),
            "Net1d", new long[] { 4, 2, 101 }, new long[] { 4, 2, 101 }),
        ["Linear_in_features_is_set_to_what_Flatten_gives"] = new(
            "CONV004",
            Module("Mnist", "64, 1, 28, 28", "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.MaxPool2d(2), nn.Flatten(), {|CONV004:nn.Linear(32 * 12 * 12, 10)|});\n", "net.forward(x)"),
            Module("Mnist", "64, 1, 28, 28", "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(5408, 10));\n", "net.forward(x)"),
            "Mnist", new long[] { 64, 1, 28, 28 }, new long[] { 64, 10 }),
        ["Conv_in_channels_is_set_to_what_it_receives"] = new(
            "CONV004",
            Module("Features", "8, 3, 32, 32", "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU(), {|CONV004:nn.Conv2d(in_channels: 32, 64, 3)|});\n", "net.forward(x)"),
            Module("Features", "8, 3, 32, 32", "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU(), nn.Conv2d(in_channels: 16, 64, 3));\n", "net.forward(x)"),
            "Features", new long[] { 8, 3, 32, 32 }, new long[] { 8, 64, 30, 30 }),
        ["The_producing_conv_can_give_what_the_next_expects"] = new(
            "CONV004",
            Module("Features", "8, 3, 32, 32", "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU(), {|CONV004:nn.Conv2d(32, 64, 3)|});\n", "net.forward(x)"),
            Module("Features", "8, 3, 32, 32", "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.Conv2d(3, 32, 3, padding: 1), nn.ReLU(), nn.Conv2d(32, 64, 3));\n", "net.forward(x)"),
            "Features", new long[] { 8, 3, 32, 32 }, new long[] { 8, 64, 30, 30 }, "ConvAnalyzers.ProduceExpectedChannels"),
        ["Per_dimension_output_padding_uses_forward_with_output_size"] = new(
            "CONV005",
            Module("Net2d", "4, 3, 31, 32",
                "    private readonly nn.Module<Tensor, Tensor> down = nn.Conv2d(3, 16, 3, stride: 2, padding: 1);\n    private readonly nn.Module<Tensor, Tensor> up = {|CONV005:nn.ConvTranspose2d(16, 3, 3, stride: 2, padding: 1)|};\n",
                "up.forward(down.forward(x))"),
            Module("Net2d", "4, 3, 31, 32",
                "    private readonly nn.Module<Tensor, Tensor> down = nn.Conv2d(3, 16, 3, stride: 2, padding: 1);\n    private readonly TorchSharp.Modules.ConvTranspose2d up = nn.ConvTranspose2d(16, 3, 3, stride: 2, padding: 1);\n",
                "up.forward(down.forward(x), new long[] { 31, 32 })"),
            "Net2d", new long[] { 4, 3, 31, 32 }, new long[] { 4, 3, 31, 32 }, "ConvAnalyzers.MirrorEncoderWithOutputSize"),
        ["Collapsed_tuple_output_padding_uses_forward_with_output_size"] = new(
            "CONV007",
            Module("Up", "1, 1, 5, 5",
                "    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), {|CONV007:output_padding: (1, 0)|});\n",
                "up.forward(x)"),
            Module("Up", "1, 1, 5, 5",
                "    private readonly TorchSharp.Modules.ConvTranspose2d up = nn.ConvTranspose2d(1, 1, (3, 3), stride: (2, 2), padding: (1, 1), output_padding: (0, 0));\n",
                "up.forward(x, new long[] { 10, 9 })"),
            "Up", new long[] { 1, 1, 5, 5 }, new long[] { 1, 1, 10, 9 }, "ConvAnalyzers.ExactOutputSize"),
        ["Collapsed_tuple_output_padding_with_an_equal_form"] = new(
            "CONV007",
            Module("Up", "1, 1, 5, 5",
                "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.ConvTranspose2d(1, 1, (3, 3), stride: (3, 3), padding: (1, 0), {|CONV007:output_padding: (2, 0)|}));\n",
                "net.forward(x)"),
            Module("Up", "1, 1, 5, 5",
                "    private readonly nn.Module<Tensor, Tensor> net = nn.Sequential(nn.ConvTranspose2d(1, 1, (3, 3), stride: (3, 3), padding: (0, 0), output_padding: (0, 0)));\n",
                "net.forward(x)"),
            "Up", new long[] { 1, 1, 5, 5 }, new long[] { 1, 1, 15, 15 }, "ConvAnalyzers.EqualOutputPadding"),
        ["Output_padding_too_large_keeps_the_size_with_less_padding"] = new(
            "CONV001",
            Module("Up", "1, 4, 7, 7", "    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(4, 2, 3, stride: 2, padding: 1, {|CONV001:output_padding: 2|});\n", "up.forward(x)"),
            Module("Up", "1, 4, 7, 7", "    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(4, 2, 3, stride: 2, padding: 0, output_padding: 0);\n", "up.forward(x)"),
            "Up", new long[] { 1, 4, 7, 7 }, new long[] { 1, 2, 15, 15 }),
        ["Output_padding_too_large_without_an_exact_form_gets_the_largest_legal"] = new(
            "CONV001",
            Module("Up", "1, 4, 7, 7", "    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(4, 2, 2, stride: 2, {|CONV001:output_padding: 2|});\n", "up.forward(x)"),
            Module("Up", "1, 4, 7, 7", "    private readonly nn.Module<Tensor, Tensor> up = nn.ConvTranspose2d(4, 2, 2, stride: 2, output_padding: 1);\n", "up.forward(x)"),
            "Up", new long[] { 1, 4, 7, 7 }, new long[] { 1, 2, 15, 15 }),
    };
}
