using System.Numerics;

namespace ParameterKit.Training;

/// <summary>SGD's per-element updates, vectorized with <see cref="Vector{T}"/> and finished by a scalar tail.</summary>
internal static class SgdKernels
{
    /// <summary>p ← p - lr·(g + λp).</summary>
    public static void Plain(Span<float> p, ReadOnlySpan<float> g, float lr, float decay)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vlr = new Vector<float>(lr);
            var vdecay = new Vector<float>(decay);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vp = new Vector<float>(p[i..]);
                var d = new Vector<float>(g[i..]) + vdecay * vp;
                (vp - vlr * d).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            p[i] -= lr * (g[i] + decay * p[i]);
        }
    }

    /// <summary>d = g + λp; b ← first ? d : μb + keep·d; p ← p - lr·(nesterov ? d + μb : b).</summary>
    public static void WithMomentum(Span<float> p, ReadOnlySpan<float> g, Span<float> b, float lr, float decay, float mu, float keep, bool first, bool nesterov)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vlr = new Vector<float>(lr);
            var vdecay = new Vector<float>(decay);
            var vmu = new Vector<float>(mu);
            var vkeep = new Vector<float>(keep);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vp = new Vector<float>(p[i..]);
                var d = new Vector<float>(g[i..]) + vdecay * vp;
                var buf = first ? d : vmu * new Vector<float>(b[i..]) + vkeep * d;
                buf.CopyTo(b[i..]);
                (vp - vlr * (nesterov ? d + vmu * buf : buf)).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float d = g[i] + decay * p[i];
            float buf = first ? d : mu * b[i] + keep * d;
            b[i] = buf;
            p[i] -= lr * (nesterov ? d + mu * buf : buf);
        }
    }
}
