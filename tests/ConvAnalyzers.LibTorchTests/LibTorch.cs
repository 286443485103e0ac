using TorchSharp;

namespace ConvAnalyzers.LibTorchTests;

/// <summary>
/// Loads native libtorch once. These tests exist to run TorchSharp, so a machine where it cannot
/// load fails them with the fix in the message (eng/install-native-prereqs.sh), in CI and locally.
/// </summary>
public static class LibTorch
{
    private static readonly Lazy<string?> LoadError = new(() =>
    {
        try
        {
            using var probe = torch.zeros(1);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return e.ToString();
        }
    });

    public static void EnsureLoaded()
    {
        if (LoadError.Value is string error)
        {
            throw new InvalidOperationException(
                "TorchSharp's native libtorch could not be loaded. On Debian 12 run eng/install-native-prereqs.sh "
                + "(TorchSharp 0.107 needs libstdc++ with GLIBCXX_3.4.32). CI=" + Environment.GetEnvironmentVariable("CI") + "\n" + error);
        }
    }

    public static long[] Shape(torch.Tensor t) => t.shape;
}
