namespace ConvAnalyzers.Arithmetic;

/// <summary>
/// The shape-relevant hyperparameters of one conv-family layer, scalars already expanded to one
/// value per spatial dimension and defaults filled in (a pool's stride defaults to its kernel).
/// Unknown values are <c>null</c>.
/// </summary>
public sealed record LayerGeometry
{
    public LayerKind Kind { get; init; }

    /// <summary>1, 2 or 3; for Upsample the length of its size or scale_factor (0 when unknown).</summary>
    public int SpatialRank { get; init; }

    /// <summary>in_channels; Linear's in_features; BatchNorm's num_features.</summary>
    public long? InChannels { get; init; }

    /// <summary>out_channels; Linear's out_features.</summary>
    public long? OutChannels { get; init; }

    /// <summary>Flatten's start_dim; Unflatten's dim.</summary>
    public long? StartDim { get; init; }

    /// <summary>Flatten's end_dim.</summary>
    public long? EndDim { get; init; }

    public long? Groups { get; init; } = 1;

    public PerDim<long> Kernel { get; init; }

    public PerDim<long> Stride { get; init; }

    public PerDim<long> Padding { get; init; }

    public PerDim<long> OutputPadding { get; init; }

    public PerDim<long> Dilation { get; init; }

    /// <summary>Adaptive pools' output_size, Upsample's size, Unflatten's unflattened_size.</summary>
    public PerDim<long> OutputSize { get; init; }

    public PerDim<double> ScaleFactor { get; init; }

    public PaddingKind PaddingKind { get; init; }

    public PaddingMode PaddingMode { get; init; }

    public bool? CeilMode { get; init; } = false;

    public string TorchName => Kind.TorchName(SpatialRank);

    /// <summary>A convolution with every dimension given; unspecified values take TorchSharp's defaults.</summary>
    public static LayerGeometry Conv(int rank, long inChannels, long outChannels, long[] kernel, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1, PaddingKind paddingKind = PaddingKind.Explicit, PaddingMode paddingMode = PaddingMode.Zeros) => new()
    {
        Kind = LayerKind.Conv,
        SpatialRank = rank,
        InChannels = inChannels,
        OutChannels = outChannels,
        Groups = groups,
        Kernel = PerDim<long>.Known(kernel),
        Stride = PerDim<long>.Known(stride ?? Ones(rank)),
        Padding = PerDim<long>.Known(padding ?? new long[rank]),
        Dilation = PerDim<long>.Known(dilation ?? Ones(rank)),
        PaddingKind = paddingKind,
        PaddingMode = paddingMode,
    };

    public static LayerGeometry ConvTranspose(int rank, long inChannels, long outChannels, long[] kernel, long[]? stride = null, long[]? padding = null, long[]? outputPadding = null, long[]? dilation = null, long groups = 1, PaddingMode paddingMode = PaddingMode.Zeros) => new()
    {
        Kind = LayerKind.ConvTranspose,
        SpatialRank = rank,
        InChannels = inChannels,
        OutChannels = outChannels,
        Groups = groups,
        Kernel = PerDim<long>.Known(kernel),
        Stride = PerDim<long>.Known(stride ?? Ones(rank)),
        Padding = PerDim<long>.Known(padding ?? new long[rank]),
        OutputPadding = PerDim<long>.Known(outputPadding ?? new long[rank]),
        Dilation = PerDim<long>.Known(dilation ?? Ones(rank)),
        PaddingMode = paddingMode,
    };

    public static LayerGeometry Pool(LayerKind kind, int rank, long[] kernel, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false) => new()
    {
        Kind = kind,
        SpatialRank = rank,
        Kernel = PerDim<long>.Known(kernel),
        Stride = PerDim<long>.Known(stride ?? kernel),
        Padding = PerDim<long>.Known(padding ?? new long[rank]),
        Dilation = PerDim<long>.Known(dilation ?? Ones(rank)),
        CeilMode = ceilMode,
    };

    public static LayerGeometry Adaptive(LayerKind kind, long[] outputSize) => new()
    {
        Kind = kind,
        SpatialRank = outputSize.Length,
        OutputSize = PerDim<long>.Known(outputSize),
    };

    public static LayerGeometry Unpool(int rank, long[] kernel, long[]? stride = null, long[]? padding = null) => new()
    {
        Kind = LayerKind.MaxUnpool,
        SpatialRank = rank,
        Kernel = PerDim<long>.Known(kernel),
        Stride = PerDim<long>.Known(stride ?? kernel),
        Padding = PerDim<long>.Known(padding ?? new long[rank]),
    };

    public static LayerGeometry Upsample(long[]? size = null, double[]? scaleFactor = null) => new()
    {
        Kind = LayerKind.Upsample,
        SpatialRank = size?.Length ?? scaleFactor?.Length ?? 0,
        OutputSize = size is null ? default : PerDim<long>.Known(size),
        ScaleFactor = scaleFactor is null ? default : PerDim<double>.Known(scaleFactor),
    };

    public static LayerGeometry BatchNorm(int rank, long numFeatures) => new() { Kind = LayerKind.BatchNorm, SpatialRank = rank, InChannels = numFeatures };

    public static LayerGeometry Linear(long inFeatures, long outFeatures) => new() { Kind = LayerKind.Linear, InChannels = inFeatures, OutChannels = outFeatures };

    public static LayerGeometry Flatten(long startDim = 1, long endDim = -1) => new() { Kind = LayerKind.Flatten, StartDim = startDim, EndDim = endDim };

    public static LayerGeometry Unflatten(long dim, long[] sizes) => new() { Kind = LayerKind.Unflatten, StartDim = dim, OutputSize = PerDim<long>.Known(sizes) };

    private static long[] Ones(int rank)
    {
        var ones = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            ones[i] = 1;
        }

        return ones;
    }
}
