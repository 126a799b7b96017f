namespace ParameterKit.Cli.Costs;

/// <summary>The result of <see cref="CostModel.Estimate"/>.</summary>
/// <param name="Parameters">N.</param>
/// <param name="Tokens">D.</param>
/// <param name="WeightBytes">Bytes to hold the weights per format.</param>
/// <param name="TrainingBytes">Bytes of training state per part (a snake_case key and the words the table prints).</param>
/// <param name="TrainingFlops">6·N·D.</param>
/// <param name="InferenceFlopsPerToken">2·N.</param>
/// <param name="InferenceTokensPerSecond">Compute-bound tokens per second on one accelerator at the stated utilization.</param>
/// <param name="AcceleratorHours">Training time summed over accelerators.</param>
/// <param name="WallClockSeconds">Training time on <see cref="CostAssumptions.Accelerators"/> accelerators.</param>
/// <param name="EnergyKwh">Facility energy (PUE included).</param>
/// <param name="CarbonKg">Emissions, kg CO2e.</param>
/// <param name="Assumptions">What the numbers assume.</param>
internal sealed record CostEstimate(
    double Parameters,
    double Tokens,
    IReadOnlyList<(string Format, double Bytes)> WeightBytes,
    IReadOnlyList<(string Key, string Part, double Bytes)> TrainingBytes,
    double TrainingFlops,
    double InferenceFlopsPerToken,
    double InferenceTokensPerSecond,
    double AcceleratorHours,
    double WallClockSeconds,
    double EnergyKwh,
    double CarbonKg,
    CostAssumptions Assumptions)
{
    /// <summary>All training state together.</summary>
    public double TrainingBytesTotal => TrainingBytes.Sum(p => p.Bytes);

    /// <summary>
    /// Whether every figure is a finite number. Sizes near <see cref="double.MaxValue"/> overflow to infinity in
    /// 6·N·D, and JSON has no way to write infinity.
    /// </summary>
    public bool IsFinite =>
        new[] { Parameters, Tokens, TrainingFlops, InferenceFlopsPerToken, InferenceTokensPerSecond, AcceleratorHours, WallClockSeconds, EnergyKwh, CarbonKg, TrainingBytesTotal }
            .Concat(WeightBytes.Select(w => w.Bytes))
            .All(double.IsFinite);
}
