namespace ParameterKit.Cli.Costs;

/// <summary>The result of <see cref="CostModel.Estimate"/>.</summary>
/// <param name="Parameters">N.</param>
/// <param name="Tokens">D.</param>
/// <param name="WeightBytes">Bytes to hold the weights per format.</param>
/// <param name="TrainingBytes">Bytes of training state per part.</param>
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
    IReadOnlyList<(string Part, double Bytes)> TrainingBytes,
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
}
