using System.Numerics.Tensors;
using ParameterKit.Kernels.Numerics;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Transformers;

/// <summary>
/// Picks the next token from logits as <see cref="GenerationOptions"/> describes: repetition penalty, then greedy,
/// temperature, top-k, top-p. Owns V-sized scratch so a decoding step allocates nothing.
/// </summary>
internal sealed class TokenSampler
{
    private readonly float[] _keys;
    private readonly int[] _order;
    // _seen[id] == _stamp marks a token already penalized in this step; bumping the stamp clears every mark at once,
    // so a step costs O(sequence) rather than O(V) to reset.
    private readonly int[] _seen;
    private int _stamp;

    public TokenSampler(int vocabulary)
    {
        _keys = new float[vocabulary];
        _order = new int[vocabulary];
        _seen = new int[vocabulary];
    }

    /// <summary>
    /// Hugging Face's <c>RepetitionPenaltyLogitsProcessor</c>: each distinct token of <paramref name="sequence"/> has its
    /// logit divided by <paramref name="penalty"/> when positive, multiplied when negative. A token that occurs twice is
    /// penalized once (HF gathers, transforms and scatters the scores, so duplicates write the same value).
    /// </summary>
    public void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> sequence, float penalty)
    {
        if (penalty == 1f)
        {
            return;
        }
        if (++_stamp == 0)
        {
            // After 2^32 steps the stamp wraps to 0, the value every unmarked slot holds: clear for real once.
            Array.Clear(_seen);
            _stamp = 1;
        }
        foreach (int id in sequence)
        {
            if (_seen[id] == _stamp)
            {
                continue;
            }
            _seen[id] = _stamp;
            float z = logits[id];
            logits[id] = z < 0 ? z * penalty : z / penalty;
        }
    }

    /// <summary>Chooses a token; <paramref name="logits"/> is used as scratch (scaled in place).</summary>
    public int Sample(Span<float> logits, GenerationOptions options, ref SeededRandom random)
    {
        if (options.Temperature == 0)
        {
            return TensorPrimitives.IndexOfMax(logits);
        }
        int v = logits.Length;
        // (z − max z) / τ, not z · (1/τ): the largest logit becomes exactly 0 whatever τ is, so a τ small enough that
        // 1/τ or z/τ overflows (a subnormal, 1e-38) still draws the greedy token, where z · (1/τ) gave ∞ − ∞ = NaN and
        // then the last token of the vocabulary.
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, logits);
        TensorPrimitives.Divide(logits, options.Temperature, logits);
        bool truncate = (options.TopK > 0 && options.TopK < v) || options.TopP < 1f;
        if (!truncate)
        {
            // p ∝ exp((z − max z) / τ): sampling by inverse CDF needs no normalization, only the total.
            return Draw(logits, RowSoftmax.ExpShiftedAndSum(logits, 0f, logits), ref random, null);
        }

        // Sort descending by logit (keys negated, since Array.Sort is ascending), carrying the token ids along.
        Span<float> keys = _keys.AsSpan(0, v);
        Span<int> order = _order.AsSpan(0, v);
        TensorPrimitives.Negate(logits, keys);
        for (int i = 0; i < v; i++)
        {
            order[i] = i;
        }
        keys.Sort(order);
        int n = options.TopK > 0 ? Math.Min(options.TopK, v) : v;
        Span<float> weights = keys[..n];
        // keys[0] = −max z: with the keys negated back, exp(z − max z) = exp(−key − (−key[0])).
        TensorPrimitives.Negate(weights, weights);
        double total = RowSoftmax.ExpShiftedAndSum(weights, weights[0], weights);
        if (options.TopP < 1f)
        {
            double cumulative = 0, target = options.TopP * total;
            int kept = 0;
            while (kept < n)
            {
                cumulative += weights[kept++];
                if (cumulative >= target)
                {
                    break;
                }
            }
            weights = weights[..kept];
            total = cumulative;
        }
        return Draw(weights, total, ref random, _order);
    }

    private static int Draw(ReadOnlySpan<float> weights, double total, ref SeededRandom random, int[]? ids)
    {
        double u = random.NextDouble() * total, cumulative = 0;
        int last = weights.Length - 1;
        for (int i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (u < cumulative)
            {
                return ids is null ? i : ids[i];
            }
            if (weights[i] > 0)
            {
                last = i;
            }
        }
        // Rounding can leave u just above the running sum: the last token with weight takes it.
        return ids is null ? last : ids[last];
    }
}
