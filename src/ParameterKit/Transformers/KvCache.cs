namespace ParameterKit.Transformers;

/// <summary>
/// The keys and values every layer has computed so far for one sequence, so generating token n+1 attends to
/// the cached n positions instead of recomputing them: each step then costs one pass over the weights
/// (a matrix-vector product per projection) rather than a forward pass over the whole prefix.
/// </summary>
/// <remarks>
/// Per layer, keys and values are stored as <see cref="Capacity"/> x C row-major matrices (position-major, the heads
/// side by side in each row, as they leave GPT-2's fused <c>c_attn</c> projection), allocated once at construction.
/// </remarks>
public sealed class KvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    /// <summary>Allocates a cache for <paramref name="layers"/> layers of <paramref name="capacity"/> positions of width <paramref name="channels"/>.</summary>
    /// <param name="layers">Number of transformer blocks.</param>
    /// <param name="capacity">The most positions the cache holds (at most the model's context length).</param>
    /// <param name="channels">C: key and value width (all heads together).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive (layers may be 0), or a layer's keys
    /// (capacity x channels) would pass the largest array .NET allocates.</exception>
    public KvCache(int layers, int capacity, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if ((long)capacity * channels > Array.MaxLength)
        {
            // A context of a hundred million positions is a setting; a cache that long is not memory: ask for fewer.
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"A cache of {capacity:N0} positions of {channels:N0} channels needs {(long)capacity * channels:N0} values a layer, more than one array holds; create it with a smaller capacity.");
        }
        Capacity = capacity;
        Channels = channels;
        _keys = new float[layers][];
        _values = new float[layers][];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = new float[(long)capacity * channels];
            _values[i] = new float[(long)capacity * channels];
        }
    }

    /// <summary>Number of layers.</summary>
    public int Layers => _keys.Length;

    /// <summary>The most positions the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>C: width of one cached key or value row.</summary>
    public int Channels { get; }

    /// <summary>Positions cached so far; the next token fed to the model takes position <see cref="Length"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Forgets every cached position (the memory is kept for the next sequence).</summary>
    public void Reset() => Length = 0;

    /// <summary>Layer <paramref name="layer"/>'s keys, Capacity x C.</summary>
    internal Span<float> Keys(int layer) => _keys[layer];

    /// <summary>Layer <paramref name="layer"/>'s values, Capacity x C.</summary>
    internal Span<float> Values(int layer) => _values[layer];

    /// <summary>Marks <paramref name="tokens"/> more positions as filled, after every layer has written them.</summary>
    internal void Advance(int tokens) => Length += tokens;
}
