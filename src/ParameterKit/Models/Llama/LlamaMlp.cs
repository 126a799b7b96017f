using ParameterKit.Kernels;
using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Models.Llama;

/// <summary>
/// Llama's gated MLP: <c>y += down_proj(SiLU(gate_proj(x)) ⊙ up_proj(x))</c> with <c>gate_proj</c> and <c>up_proj</c>
/// (I x C) and <c>down_proj</c> (C x I), SiLU(z) = z·σ(z). Accumulates into the caller's residual stream.
/// </summary>
public sealed class LlamaMlp : Module
{
    /// <summary>Declares <c>{path}.gate_proj</c>, <c>up_proj</c> and <c>down_proj</c>.</summary>
    /// <param name="scope">Where the module lives (<c>model.layers.0.mlp</c>).</param>
    /// <param name="config">The hyperparameters (C, I, <c>mlp_bias</c>).</param>
    public LlamaMlp(ParameterScope scope, LlamaConfig config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        Gate = new Linear(Scope.Scope("gate_proj"), config.Hidden, config.Intermediate, config.MlpBias);
        Up = new Linear(Scope.Scope("up_proj"), config.Hidden, config.Intermediate, config.MlpBias);
        Down = new Linear(Scope.Scope("down_proj"), config.Intermediate, config.Hidden, config.MlpBias);
    }

    /// <summary><c>gate_proj</c>: C → I, through SiLU.</summary>
    public Linear Gate { get; }

    /// <summary><c>up_proj</c>: C → I.</summary>
    public Linear Up { get; }

    /// <summary><c>down_proj</c>: I → C.</summary>
    public Linear Down { get; }

    /// <summary>Adds the MLP of <paramref name="rows"/> rows of <paramref name="input"/> to <paramref name="output"/>, keeping gate, up and their product in <paramref name="saved"/>.</summary>
    internal void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, LlamaActivations saved)
    {
        int c = Gate.InChannels, wide = rows * Gate.OutChannels;
        Span<float> gate = saved.Gate.AsSpan(0, wide), up = saved.Up.AsSpan(0, wide), hidden = saved.Hidden.AsSpan(0, wide);
        Up.Forward(input, up, c);
        if (saved.Training)
        {
            // The backward pass needs the gate before SiLU, so it is kept and the product written beside it.
            Gate.Forward(input, gate, c);
            SwiGlu.Forward(gate, up, hidden);
        }
        else
        {
            // Inference fuses SiLU into the gate's GEMM epilogue and multiplies in place (hidden is the gate's memory).
            Gate.Forward(input, gate, c, accumulate: false, GemmActivation.Silu);
            System.Numerics.Tensors.TensorPrimitives.Multiply(gate, up, hidden);
        }
        Down.Forward(hidden, output, Gate.OutChannels, accumulate: true);
    }

    /// <summary>Back-propagates a training <see cref="Forward"/>: accumulates the three projections' gradients and writes dLoss/dInput.</summary>
    internal void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows, LlamaActivations saved, LlamaGradients scratch)
    {
        int c = Gate.InChannels, i = Gate.OutChannels, wide = rows * i;
        Span<float> dGate = scratch.Gate.AsSpan(0, wide), dUp = scratch.Up.AsSpan(0, wide), term = scratch.Term.AsSpan(0, rows * c);
        Down.Backward(saved.Hidden.AsSpan(0, wide), outputGradient, dGate, i);
        SwiGlu.Backward(saved.Gate.AsSpan(0, wide), saved.Up.AsSpan(0, wide), dGate, dGate, dUp);
        Gate.Backward(input, dGate, inputGradient, c);
        Up.Backward(input, dUp, term, c);
        System.Numerics.Tensors.TensorPrimitives.Add(inputGradient, term, inputGradient);
    }
}
