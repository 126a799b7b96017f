namespace ParameterKit.Cli.Costs;

/// <summary>
/// What holding, training and running a model of N parameters costs, by the standard first-order estimates.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Weights</b>: N values at 4 (f32), 2 (bf16, f16), 1.0625 (q8_0: 32 signed bytes and an F16 scale per block
/// of 32) or 0.5625 (q4_0: 32 nibbles and an F16 scale) bytes.</item>
/// <item><b>Training memory, AdamW in mixed precision</b> (the ZeRO paper's 16 bytes per parameter): bf16 weights
/// (2) and gradients (2), and in f32 a master copy of the weights (4) and Adam's two moments (4 + 4).
/// Activations are not included: they depend on batch size, sequence length and checkpointing, not on N.</item>
/// <item><b>Training compute</b>: 6·N·D FLOPs for D tokens (Kaplan et al. 2020): 2·N per token forward (one
/// multiply and one add per weight) and 4·N backward (gradients with respect to activations and to weights).
/// GPT-3 175B on 300B tokens gives 3.14e23, the figure its paper reports.</item>
/// <item><b>Inference</b>: 2·N FLOPs per generated token.</item>
/// <item><b>Time</b>: FLOPs / (peak · utilization), in accelerator-hours, and wall-clock on the stated count.</item>
/// <item><b>Energy</b>: accelerator-hours · power · PUE; <b>carbon</b>: energy · grid intensity.</item>
/// </list>
/// </remarks>
internal static class CostModel
{
    /// <summary>
    /// Bytes of AdamW mixed-precision training state per parameter, by part: a snake_case key for
    /// <c>cost --json</c> and the words the table prints.
    /// </summary>
    public static IReadOnlyList<(string Key, string Part, double BytesPerParameter)> TrainingStateParts { get; } =
    [
        ("weights_bf16", "weights (bf16)", 2),
        ("gradients_bf16", "gradients (bf16)", 2),
        ("master_weights_f32", "master weights (f32)", 4),
        ("adam_first_moment_f32", "Adam first moment (f32)", 4),
        ("adam_second_moment_f32", "Adam second moment (f32)", 4),
    ];

    /// <summary>Weight storage formats (<see cref="WeightStorage.Types"/>, lower-case keys) and their exact bytes per parameter.</summary>
    public static IReadOnlyList<(string Format, double BytesPerParameter)> WeightFormats { get; } =
        [.. WeightStorage.Types.Select(t => (WeightStorage.Name(t).ToLowerInvariant(), WeightStorage.BytesPerParameter(t)))];

    /// <summary>Estimates the costs of a model of <paramref name="parameters"/> values.</summary>
    /// <param name="parameters">N.</param>
    /// <param name="tokens">D, the training tokens; <see cref="CostAssumptions.TokensPerParameter"/> · N when null.</param>
    /// <param name="assumptions">The accelerator, datacenter and grid.</param>
    public static CostEstimate Estimate(double parameters, double? tokens, CostAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        ArgumentOutOfRangeException.ThrowIfNegative(parameters);
        double d = tokens ?? assumptions.TokensPerParameter * parameters;
        double trainingFlops = 6 * parameters * d;
        double sustained = assumptions.PeakFlops * assumptions.Utilization;
        double acceleratorHours = trainingFlops / sustained / 3600;
        double energyKwh = acceleratorHours * assumptions.PowerWatts / 1000 * assumptions.Pue;
        return new CostEstimate(
            parameters,
            d,
            [.. WeightFormats.Select(f => (f.Format, f.BytesPerParameter * parameters))],
            [.. TrainingStateParts.Select(p => (p.Key, p.Part, p.BytesPerParameter * parameters))],
            trainingFlops,
            2 * parameters,
            sustained / (2 * parameters),
            acceleratorHours,
            acceleratorHours * 3600 / assumptions.Accelerators,
            energyKwh,
            energyKwh * assumptions.CarbonKgPerKwh,
            assumptions);
    }
}
