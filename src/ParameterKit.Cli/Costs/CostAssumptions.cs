namespace ParameterKit.Cli.Costs;

/// <summary>
/// Every assumption behind a cost estimate, each overridable from the command line and printed with the result,
/// because an energy or carbon figure without its assumptions is not an answer.
/// </summary>
/// <param name="Accelerator">A name for the accelerator the other numbers describe.</param>
/// <param name="PeakFlops">Its peak dense throughput in FLOP/s at the training precision.</param>
/// <param name="Utilization">Model FLOPs utilization: the fraction of peak a real training run sustains.</param>
/// <param name="PowerWatts">Power drawn per accelerator while training, in watts.</param>
/// <param name="Pue">Datacenter power usage effectiveness: facility energy over IT energy (cooling, conversion).</param>
/// <param name="CarbonKgPerKwh">Grid carbon intensity, kg CO2-equivalent per kWh.</param>
/// <param name="Accelerators">How many accelerators train together (divides wall-clock time, not energy).</param>
/// <param name="TokensPerParameter">Training tokens per parameter when no token count is given.</param>
internal sealed record CostAssumptions(
    string Accelerator,
    double PeakFlops,
    double Utilization,
    double PowerWatts,
    double Pue,
    double CarbonKgPerKwh,
    int Accelerators,
    double TokensPerParameter)
{
    /// <summary>
    /// The defaults: one NVIDIA A100 SXM (312 TFLOP/s dense BF16 tensor-core peak and a 400 W board power, from
    /// NVIDIA's datasheet), 40% utilization (well-tuned large runs report 40-55%), a PUE of 1.1 (efficient hyperscale
    /// datacenters), 0.4 kg CO2e/kWh (near the US grid average) and 20 tokens per parameter (the compute-optimal
    /// ratio of Hoffmann et al. 2022, "Chinchilla").
    /// </summary>
    public static CostAssumptions Default { get; } = new("NVIDIA A100 SXM (BF16 dense)", 312e12, 0.40, 400, 1.10, 0.40, 1, 20);
}
