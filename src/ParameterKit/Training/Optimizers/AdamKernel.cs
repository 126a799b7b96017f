using System.Numerics;

namespace ParameterKit.Training;

/// <summary>The per-step constants of an Adam update, computed once per parameter in double and rounded once.</summary>
internal readonly record struct AdamCoefficients(
    float StepSize, float InverseSqrtBiasCorrection2, float Beta1, float Beta2, float Epsilon, float CoupledDecay, float DecoupledShrink);

/// <summary>
/// Adam's fused update: one pass reads p, g, m, v and writes p, m, v — the memory traffic is the cost, so doing
/// it in one sweep (instead of PyTorch's several tensor ops) is what makes the step fast. The arithmetic follows
/// PyTorch's order so results agree to float rounding.
/// </summary>
internal static class AdamKernel
{
    public static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamCoefficients k)
    {
        float oneMinusBeta1 = 1f - k.Beta1, oneMinusBeta2 = 1f - k.Beta2;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1 = new Vector<float>(k.Beta1);
            var beta2 = new Vector<float>(k.Beta2);
            var c1 = new Vector<float>(oneMinusBeta1);
            var c2 = new Vector<float>(oneMinusBeta2);
            var coupled = new Vector<float>(k.CoupledDecay);
            var shrink = new Vector<float>(k.DecoupledShrink);
            var invSqrtBc2 = new Vector<float>(k.InverseSqrtBiasCorrection2);
            var eps = new Vector<float>(k.Epsilon);
            var stepSize = new Vector<float>(k.StepSize);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vp = new Vector<float>(p[i..]);
                var vg = new Vector<float>(g[i..]) + coupled * vp;
                vp *= shrink;
                var vm = beta1 * new Vector<float>(m[i..]) + c1 * vg;
                var vv = beta2 * new Vector<float>(v[i..]) + c2 * (vg * vg);
                var denominator = Vector.SquareRoot(vv) * invSqrtBc2 + eps;
                (vp - stepSize * vm / denominator).CopyTo(p[i..]);
                vm.CopyTo(m[i..]);
                vv.CopyTo(v[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float pi = p[i];
            float gi = g[i] + k.CoupledDecay * pi;
            pi *= k.DecoupledShrink;
            float mi = k.Beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = k.Beta2 * v[i] + oneMinusBeta2 * (gi * gi);
            float denominator = MathF.Sqrt(vi) * k.InverseSqrtBiasCorrection2 + k.Epsilon;
            p[i] = pi - k.StepSize * mi / denominator;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
