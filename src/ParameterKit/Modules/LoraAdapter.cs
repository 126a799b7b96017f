using ParameterKit.Kernels;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Modules;

/// <summary>
/// A low-rank adapter (LoRA, Hu et al. 2021) beside one <see cref="Linear"/> layer: two thin matrices A (r x C) and
/// B (OC x r) whose product is added to the frozen weight's output, <c>y = x·Wᵀ + b + s · (dropout(x)·Aᵀ)·Bᵀ</c>,
/// with s = α / r (or α / √r for rsLoRA). Hugging Face PEFT's semantics, names and shapes.
/// </summary>
/// <remarks>
/// <para>The product B·A (OC x C, as large as W) is never formed while training: the input goes down to r channels and
/// back up through two GEMMs, so an adapter costs 2·rows·r·(C + OC) multiply-adds and keeps rows x r values for its
/// backward pass. Only <see cref="Merge"/> forms it, to fold the adapter into W for inference.</para>
/// <para>Dropout applies to the adapter's input only (the base layer sees x unchanged), in training mode, with masks that
/// are a pure function of a seed and a call counter (as <see cref="Dropout"/>), so runs are reproducible and the
/// backward pass regenerates the mask instead of storing it.</para>
/// <para>Attach adapters with <c>ParameterKit.Adapters.LoraAdapters</c>; the target layer then calls its adapter from its
/// own forward and backward passes, so every model built from <see cref="Linear"/> layers is adaptable unchanged.</para>
/// </remarks>
public sealed class LoraAdapter
{
    private readonly ulong _dropoutSeed;
    private float[] _dropped = [];
    private float[] _hidden = [];
    private float[] _hiddenGradient = [];
    private float[] _inputGradient = [];

    internal LoraAdapter(Linear target, AdapterWeight a, AdapterWeight b, float scale, float dropout, ulong dropoutSeed)
    {
        Target = target;
        A = a;
        B = b;
        Scale = scale;
        DropoutProbability = dropout;
        _dropoutSeed = dropoutSeed;
    }

    /// <summary>The layer this adapter adapts; its weight is the one <see cref="Merge"/> changes.</summary>
    public Linear Target { get; }

    /// <summary>A: r x C, PEFT's <c>lora_A.weight</c>. Kaiming uniform at the start.</summary>
    public AdapterWeight A { get; }

    /// <summary>B: OC x r, PEFT's <c>lora_B.weight</c>. Zeros at the start, so the adapted layer starts equal to its base.</summary>
    public AdapterWeight B { get; }

    /// <summary>r: the rank.</summary>
    public int Rank => A.Shape[0];

    /// <summary>s: the factor the adapter's output is scaled by (α / r, or α / √r with rsLoRA).</summary>
    public float Scale { get; }

    /// <summary>p: the chance each input value of the adapter is dropped in training mode.</summary>
    public float DropoutProbability { get; }

    /// <summary>How many dropout masks have been drawn (one per training-mode forward call with p &gt; 0).</summary>
    public ulong DropoutCalls { get; private set; }

    /// <summary>Whether <see cref="Merge"/> has folded the adapter into the target's weight.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>Restores <see cref="DropoutCalls"/> when resuming, so later masks continue the sequence.</summary>
    /// <param name="calls">The saved counter.</param>
    public void RestoreDropoutCalls(ulong calls) => DropoutCalls = calls;

    /// <summary>
    /// Folds the adapter into the target's weight, <c>W += s · B·A</c> (OC x C, the layout this library holds every
    /// linear weight in, so a GPT-2 Conv1D weight stored C x OC in its checkpoint needs no special case here), and stops
    /// adding the adapter in the forward pass: inference then costs what the base model costs.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already merged, the weight is held in half precision or Q8_0 for
    /// inference, or the weight is tied to another parameter (GPT-2's, SmolLM2's or Llama 3.2's <c>lm_head</c> is the
    /// token embedding table): merging into it would change the embeddings too, so the merged model would not be the
    /// adapted one. Keep such an adapter unmerged (its forward pass adapts only the head).</exception>
    public void Merge()
    {
        ThrowIfCannotMerge();
        AddProduct(Scale);
        IsMerged = true;
    }

    /// <summary>Undoes <see cref="Merge"/>: <c>W -= s · B·A</c> (equal to the original weight up to float rounding).</summary>
    /// <exception cref="InvalidOperationException">Not merged.</exception>
    public void Unmerge()
    {
        ThrowIfCannotUnmerge();
        AddProduct(-Scale);
        IsMerged = false;
    }

    /// <summary>Why <see cref="Unmerge"/> would refuse, checked before anything changes (also for a whole set of adapters at once).</summary>
    internal void ThrowIfCannotUnmerge()
    {
        if (!IsMerged)
        {
            throw new InvalidOperationException($"The adapter of '{Target.Path}' is not merged.");
        }
    }

    /// <summary>Every reason <see cref="Merge"/> would refuse, checked before anything changes (also for a whole set of adapters at once).</summary>
    internal void ThrowIfCannotMerge()
    {
        if (IsMerged)
        {
            throw new InvalidOperationException($"The adapter of '{Target.Path}' is already merged into '{Target.Weight.Name}'.");
        }
        ThrowIfHeldForInference();
        if (Target.Weight.Store.TiedNames.Any(t => ReferenceEquals(t.Target, Target.Weight)))
        {
            // PEFT warns of the same hazard (huggingface/peft#2018); here it is refused, since the library can tell.
            throw new InvalidOperationException(
                $"'{Target.Path}' shares its weight with '{Target.Weight.Name}' (tied embeddings): merging its adapter would change " +
                $"'{Target.Weight.Name}' for every use, so the merged model would differ from the adapted one. Keep this adapter unmerged.");
        }
    }

    private void ThrowIfHeldForInference()
    {
        if (Target.Weight.Held is not null || Target.Weight.Quantized is not null)
        {
            throw new InvalidOperationException($"'{Target.Weight.Name}' is held in {(Target.Weight.Held is not null ? "half precision" : "Q8_0")} for inference; merge adapters into a float32 model.");
        }
    }

    private void AddProduct(float factor)
    {
        ThrowIfHeldForInference();
        int c = Target.InChannels, oc = Target.OutChannels, r = Rank;
        // W (OC x C) += factor · B (OC x r) · A (r x C): one NN GEMM accumulating into the weight.
        Gemm.Multiply(Transpose.No, Transpose.No, oc, c, r, factor, B.Value, r, A.Value, c, 1f, Target.Weight.Value, c);
    }

    /// <summary>
    /// <c>output += s · (dropout(x)·Aᵀ)·Bᵀ</c> for <paramref name="rows"/> rows; keeps dropout(x)'s mask counter and
    /// the r-wide hidden rows for <see cref="Backward"/>.
    /// </summary>
    internal void Forward(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        if (IsMerged)
        {
            return;
        }
        int c = Target.InChannels, oc = Target.OutChannels, r = Rank;
        ReadOnlySpan<float> x = DropInput(input, rows * c);
        Grow(ref _hidden, rows * r);
        Span<float> hidden = _hidden.AsSpan(0, rows * r);
        Gemm.Multiply(Transpose.No, Transpose.Yes, rows, r, c, 1f, x, c, A.Value, c, 0f, hidden, r);
        Gemm.Multiply(Transpose.No, Transpose.Yes, rows, oc, r, Scale, hidden, r, B.Value, r, 1f, output, oc);
    }

    /// <summary>
    /// Back-propagates the last training-mode <see cref="Forward"/>: dB += s·dYᵀ·H, dH = s·dY·B, dA += dHᵀ·dropout(x),
    /// and, when <paramref name="inputGradient"/> is not empty, dX += mask ⊙ (dH·A) (added to what the base layer wrote).
    /// </summary>
    internal void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        if (IsMerged)
        {
            throw new InvalidOperationException(
                $"The adapter of '{Target.Path}' is merged into its weight: unmerge it before training, or its gradients would be those of the merged weight.");
        }
        int c = Target.InChannels, oc = Target.OutChannels, r = Rank;
        ReadOnlySpan<float> hidden = _hidden.AsSpan(0, rows * r);
        ReadOnlySpan<float> x = Dropped ? _dropped.AsSpan(0, rows * c) : input;
        if (B.IsTrainable)
        {
            Gemm.Multiply(Transpose.Yes, Transpose.No, oc, r, rows, Scale, outputGradient, oc, hidden, r, 1f, B.Gradient, r);
        }
        Grow(ref _hiddenGradient, rows * r);
        Span<float> dHidden = _hiddenGradient.AsSpan(0, rows * r);
        Gemm.Multiply(Transpose.No, Transpose.No, rows, r, oc, Scale, outputGradient, oc, B.Value, r, 0f, dHidden, r);
        if (A.IsTrainable)
        {
            Gemm.Multiply(Transpose.Yes, Transpose.No, r, c, rows, 1f, dHidden, r, x, c, 1f, A.Gradient, c);
        }
        if (inputGradient.IsEmpty)
        {
            return;
        }
        if (!Dropped)
        {
            Gemm.Multiply(Transpose.No, Transpose.No, rows, c, r, 1f, dHidden, r, A.Value, c, 1f, inputGradient, c);
            return;
        }
        Grow(ref _inputGradient, rows * c);
        Span<float> dDropped = _inputGradient.AsSpan(0, rows * c);
        Gemm.Multiply(Transpose.No, Transpose.No, rows, c, r, 1f, dHidden, r, A.Value, c, 0f, dDropped, c);
        var random = MaskRandom(DropoutCalls);
        float keep = 1f / (1f - DropoutProbability);
        for (int i = 0; i < dDropped.Length; i++)
        {
            // The same draws, in the same order, as the forward pass's mask.
            if (!(random.NextDouble() < DropoutProbability))
            {
                inputGradient[i] += dDropped[i] * keep;
            }
        }
    }

    /// <summary>Whether the last forward pass applied a dropout mask.</summary>
    private bool Dropped { get; set; }

    private ReadOnlySpan<float> DropInput(ReadOnlySpan<float> input, int length)
    {
        Dropped = Target.IsTraining && DropoutProbability > 0;
        if (!Dropped)
        {
            return input;
        }
        Grow(ref _dropped, length);
        Span<float> dropped = _dropped.AsSpan(0, length);
        var random = MaskRandom(++DropoutCalls);
        float keep = 1f / (1f - DropoutProbability);
        for (int i = 0; i < length; i++)
        {
            dropped[i] = random.NextDouble() < DropoutProbability ? 0f : input[i] * keep;
        }
        return dropped;
    }

    private SeededRandom MaskRandom(ulong call) => new(_dropoutSeed ^ (0x9E3779B97F4A7C15UL * call));

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }

    /// <summary>Shows the target, rank and scale.</summary>
    public override string ToString() => $"LoRA on {Target.Path}: r = {Rank}, scale {Scale}";
}
