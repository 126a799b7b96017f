using ParameterKit.Parameters;

namespace ParameterKit.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter) as <c>torch.optim.AdamW</c>: weight decay is decoupled from the adaptive
/// update, p ← p·(1 - lr·λ), then the Adam step. λ defaults to PyTorch's 0.01 and applies by kind
/// (<see cref="Parameter.ApplyWeightDecay"/>): Weights yes; Biases, norm gains and Embeddings no.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="store">The materialized parameters.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">λ (decoupled).</param>
    public AdamW(ParameterStore store, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
        : base(store, learningRate, beta1, beta2, epsilon, weightDecay)
    {
    }

    private protected override bool DecoupledDecay => true;
}
