namespace ParameterKit.Models.Llama;

/// <summary>
/// Rotary position embedding as Hugging Face's Llama applies it (the <c>rotate_half</c> convention, not GPT-J's
/// interleaved pairs): channel i of a head is paired with channel i + hd/2, and the pair is rotated by the angle
/// <c>position · inv_freq[i]</c>, so <c>y[i] = x[i]·cos − x[i+hd/2]·sin</c> and <c>y[i+hd/2] = x[i+hd/2]·cos + x[i]·sin</c>.
/// </summary>
/// <remarks>
/// <para><c>inv_freq[i] = 1 / θ^(2i/hd)</c>, then rescaled by <see cref="LlamaRopeScaling"/>: <c>linear</c> divides every
/// frequency by the factor; GGUF's frequency factors divide each by its own; <c>llama3</c> divides the low frequencies (wavelength above original context / low_freq_factor),
/// keeps the high ones (below original context / high_freq_factor) and blends between them. The frequencies and angles are
/// computed in float32, as transformers does, so long positions round the way the reference rounds.</para>
/// <para>Holds only the hd/2 frequencies; the cos/sin of the positions of one call are filled into caller-owned tables
/// once and reused by every layer.</para>
/// </remarks>
internal sealed class RotaryEmbedding
{
    private readonly float[] _inverseFrequencies;

    public RotaryEmbedding(int headDim, double theta, LlamaRopeScaling? scaling)
    {
        HeadDim = headDim;
        _inverseFrequencies = InverseFrequencies(headDim, theta, scaling);
    }

    /// <summary>hd: the width of one head; half of it is rotated against the other half.</summary>
    public int HeadDim { get; }


    /// <summary>
    /// The frequencies transformers computes: <c>1 / θ^(arange(0, hd, 2) / hd)</c> in float32, then the scaling rule.
    /// </summary>
    internal static float[] InverseFrequencies(int headDim, double theta, LlamaRopeScaling? scaling)
    {
        int half = headDim / 2;
        var inverse = new float[half];
        for (int i = 0; i < half; i++)
        {
            float exponent = 2 * i / (float)headDim;
            inverse[i] = 1f / MathF.Pow((float)theta, exponent);
        }
        if (scaling is null)
        {
            return inverse;
        }
        if (scaling.Kind == LlamaRopeScalingKind.FrequencyFactors)
        {
            IReadOnlyList<float> factors = scaling.FrequencyFactors!;
            if (factors.Count != half)
            {
                throw new ArgumentException($"{factors.Count} rotary frequency factors for a head of {headDim} channels, which rotates {half} pairs.", nameof(scaling));
            }
            for (int i = 0; i < half; i++)
            {
                inverse[i] /= factors[i];
            }
            return inverse;
        }
        float factor = (float)scaling.Factor;
        if (scaling.Kind == LlamaRopeScalingKind.Linear)
        {
            for (int i = 0; i < half; i++)
            {
                inverse[i] /= factor;
            }
            return inverse;
        }
        // llama3: wavelengths longer than the original context / low_freq_factor are stretched by the factor, shorter than
        // original context / high_freq_factor are kept, and the band between is interpolated by where it falls.
        float original = scaling.OriginalContext, low = (float)scaling.LowFrequencyFactor, high = (float)scaling.HighFrequencyFactor;
        float lowWavelength = original / low, highWavelength = original / high;
        for (int i = 0; i < half; i++)
        {
            float wavelength = 2 * MathF.PI / inverse[i];
            float stretched = wavelength > lowWavelength ? inverse[i] / factor : inverse[i];
            bool medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength);
            if (medium)
            {
                float smooth = (original / wavelength - low) / (high - low);
                stretched = (1 - smooth) * stretched / factor + smooth * stretched;
            }
            inverse[i] = stretched;
        }
        return inverse;
    }

    /// <summary>Fills cos and sin (T x hd/2 each) for positions start, start + 1, ... start + T − 1.</summary>
    public void Fill(int start, int tokens, Span<float> cos, Span<float> sin)
    {
        int half = _inverseFrequencies.Length;
        for (int t = 0; t < tokens; t++)
        {
            float position = start + t;
            for (int i = 0; i < half; i++)
            {
                // One float32 product, as transformers' inv_freq ⊗ positions matmul gives.
                float angle = _inverseFrequencies[i] * position;
                cos[t * half + i] = MathF.Cos(angle);
                sin[t * half + i] = MathF.Sin(angle);
            }
        }
    }

    /// <summary>
    /// Rotates every head of <paramref name="rows"/> rows in place. Row r holds the heads side by side (width
    /// heads · hd) and takes the angles of table row <c>r mod tableRows</c>, so B sequences of T tokens share one T-row table.
    /// With <paramref name="inverse"/> it rotates by the negative angles: the rotation is orthogonal, so that is its
    /// transpose, which carries a gradient back through it.
    /// </summary>
    public void Apply(Span<float> x, int rows, int heads, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, int tableRows, bool inverse = false)
    {
        float direction = inverse ? -1f : 1f;
        int hd = HeadDim, half = hd / 2, width = heads * hd;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> c = cos.Slice(r % tableRows * half, half), s = sin.Slice(r % tableRows * half, half);
            Span<float> row = x.Slice(r * width, width);
            for (int h = 0; h < heads; h++)
            {
                Span<float> first = row.Slice(h * hd, half), second = row.Slice(h * hd + half, half);
                for (int i = 0; i < half; i++)
                {
                    float a = first[i], b = second[i], sine = direction * s[i];
                    first[i] = a * c[i] - b * sine;
                    second[i] = b * c[i] + a * sine;
                }
            }
        }
    }
}
