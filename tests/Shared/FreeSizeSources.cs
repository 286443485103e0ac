using System.Collections.Generic;

namespace ConvAnalyzers.TestSources;

/// <summary>
/// Networks whose [InputShape] writes -1 for the batch and the spatial sizes (CONV011), each with the set of sizes it
/// accepts as the analyzer reports it. The analyzer tests check the message; the libtorch tests run the same modules in
/// TorchSharp on sizes 1..64 and on seeded random sizes up to 4096.
/// </summary>
public static class FreeSizeSources
{
    /// <summary>The padded U-Net of the network tests with four MaxPool2d(2) levels, every size free.</summary>
    public static string UNet4 { get; } = NetworkAnalyzerSources.UNet(0, broken: false).Replace("InputShape(1, 1, 0, 0)", "InputShape(-1, 1, -1, -1)");

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["UNet_depth_4"] = UNet4,
    };
}
