namespace ParameterKit.Parameters;

/// <summary>
/// What a parameter is for. Every <see cref="Parameter"/> subtype reports one kind; counts and summaries are
/// broken down by it, and it decides the default initializer and whether weight decay applies.
/// </summary>
public enum ParameterKind
{
    /// <summary>A lookup table of V rows of C values (token or position embeddings). Initialized N(0, 0.02).</summary>
    Embedding = 0,
    /// <summary>A matrix multiplied with the input (OC x C for a linear layer). Initialized from fan-in/fan-out; decayed.</summary>
    Weight = 1,
    /// <summary>A 1-D vector added to a layer's output. Initialized to zeros; never decayed.</summary>
    Bias = 2,
    /// <summary>A normalization layer's 1-D scale (LayerNorm's gamma). Initialized to ones; never decayed.</summary>
    NormGain = 3,
    /// <summary>
    /// A low-rank adapter matrix trained beside a frozen weight (LoRA's A, r x C, and B, OC x r). Neither the model's
    /// weights nor its biases: counted apart, so a summary shows what fine-tuning adds. Initialized per role (A Kaiming
    /// uniform, B zeros); decayed, as Hugging Face's trainer decays every matrix.
    /// </summary>
    Adapter = 4,
}
