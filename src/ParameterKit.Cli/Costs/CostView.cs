using ParameterKit.Cli.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ParameterKit.Cli.Costs;

/// <summary>Renders a <see cref="CostEstimate"/> as tables, or as the <c>cost --json</c> document.</summary>
internal static class CostView
{
    private static readonly string[] EnergyUnits = ["Wh", "kWh", "MWh", "GWh", "TWh"];
    private static readonly string[] MassUnits = ["g CO2e", "kg CO2e", "t CO2e", "kt CO2e", "Mt CO2e"];

    /// <summary>Writes the estimate and its assumptions.</summary>
    /// <param name="output">The sinks.</param>
    /// <param name="subject">What was counted.</param>
    /// <param name="e">The estimate.</param>
    /// <param name="tokensGiven">Whether D was given rather than derived.</param>
    /// <param name="stored">For a checkpoint: what it holds now; null for a config or a bare count.</param>
    public static void Write(CliOutput output, string subject, CostEstimate e, bool tokensGiven, StoredWeights? stored = null)
    {
        CostAssumptions a = e.Assumptions;
        output.Line($"{subject}: N = {Numbers.Decimal(e.Parameters, 0)} parameters");
        output.Line();

        var memory = new Table().Title("Memory").AddColumn("What").AddColumn(new TableColumn("Bytes").RightAligned());
        if (stored is not null)
        {
            memory.AddRow(Cell($"weights as stored now ({stored.Describe()}; {Numbers.Decimal(stored.BytesPerParameter, 4)} B/param)"),
                Number(Numbers.Bytes(stored.Bytes)));
        }
        foreach ((string format, double bytes) in e.WeightBytes)
        {
            memory.AddRow(Cell($"weights in {format} ({Numbers.Decimal(e.Parameters == 0 ? 0 : bytes / e.Parameters, 4)} B/param)"), Number(Numbers.Bytes(bytes)));
        }
        foreach ((_, string part, double bytes) in e.TrainingBytes)
        {
            memory.AddRow(Cell($"  training: {part}"), Number(Numbers.Bytes(bytes)));
        }
        memory.AddRow(Cell("to train: AdamW, mixed precision, 16 B/param"), Number(Numbers.Bytes(e.TrainingBytesTotal)));
        output.Write(memory);

        var compute = new Table().Title("Compute, time, energy").AddColumn("What").AddColumn(new TableColumn("Value").RightAligned());
        compute.AddRow(Cell($"training tokens D{(tokensGiven ? "" : $" ({Numbers.Decimal(a.TokensPerParameter)} per parameter)")}"),
            Number(Numbers.Scientific(e.Tokens)));
        compute.AddRow(Cell("training compute 6·N·D"), Number(Numbers.Scientific(e.TrainingFlops) + " FLOPs"));
        compute.AddRow(Cell("inference 2·N per token"), Number(Numbers.Scientific(e.InferenceFlopsPerToken) + " FLOPs"));
        compute.AddRow(Cell("inference, compute-bound, one accelerator"), Number(Numbers.Readable(e.InferenceTokensPerSecond) + " tokens/s"));
        compute.AddRow(Cell("training time"), Number(Numbers.Readable(e.AcceleratorHours) + " accelerator-hours"));
        compute.AddRow(Cell($"wall-clock on {a.Accelerators} accelerator{(a.Accelerators == 1 ? "" : "s")}"), Number(Numbers.Duration(e.WallClockSeconds)));
        compute.AddRow(Cell("training energy (PUE included)"), Number(Numbers.Metric(e.EnergyKwh * 1000, EnergyUnits)));
        compute.AddRow(Cell("training emissions"), Number(Numbers.Metric(e.CarbonKg * 1000, MassUnits)));
        output.Write(compute);

        output.Line("Activations are extra: batch, sequence length and checkpointing decide them.");
        output.Line("Assumptions (override with the option in parentheses):");
        output.Line($"  accelerator {a.Accelerator} (--accelerator) x {a.Accelerators} (--accelerators)");
        output.Line($"  peak {Numbers.Scientific(a.PeakFlops)} FLOP/s (--peak-flops), utilization {Numbers.Decimal(a.Utilization)} (--utilization)");
        output.Line($"  power {Numbers.Decimal(a.PowerWatts, 0)} W per accelerator (--power), datacenter PUE {Numbers.Decimal(a.Pue)} (--pue)");
        output.Line($"  grid {Numbers.Decimal(a.CarbonKgPerKwh, 3)} kg CO2e/kWh (--carbon)");
        output.Line($"  {Numbers.Decimal(a.TokensPerParameter)} training tokens per parameter unless --tokens is given (--tokens-per-param)");
    }

    /// <summary>The JSON document: inputs, results and every assumption.</summary>
    public static string Json(string subject, CostEstimate e, bool tokensGiven, StoredWeights? stored = null) => JsonText.Build(w =>
    {
        CostAssumptions a = e.Assumptions;
        w.WriteStartObject();
        w.WriteString("subject", subject);
        w.WriteNumber("parameters", e.Parameters);
        w.WriteNumber("tokens", e.Tokens);
        w.WriteBoolean("tokens_given", tokensGiven);
        w.WriteStartObject("weight_bytes");
        foreach ((string format, double bytes) in e.WeightBytes)
        {
            w.WriteNumber(format, bytes);
        }
        w.WriteEndObject();
        w.WriteStartObject("bytes_per_parameter");
        foreach ((string format, double bytesPerParameter) in CostModel.WeightFormats)
        {
            w.WriteNumber(format, bytesPerParameter);
        }
        w.WriteEndObject();
        if (stored is not null)
        {
            w.WriteStartObject("stored");
            w.WriteNumber("bytes", stored.Bytes);
            w.WriteNumber("bytes_per_parameter", stored.BytesPerParameter);
            w.WriteStartArray("by_dtype");
            foreach ((string type, long parameters, long bytes) in stored.ByType)
            {
                w.WriteStartObject();
                w.WriteString("dtype", type);
                w.WriteNumber("parameters", parameters);
                w.WriteNumber("bytes", bytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteStartObject("training_bytes");
        foreach ((string key, _, double bytes) in e.TrainingBytes)
        {
            w.WriteNumber(key, bytes);
        }
        w.WriteNumber("total", e.TrainingBytesTotal);
        w.WriteEndObject();
        w.WriteNumber("training_flops", e.TrainingFlops);
        w.WriteNumber("inference_flops_per_token", e.InferenceFlopsPerToken);
        w.WriteNumber("inference_tokens_per_second", e.InferenceTokensPerSecond);
        w.WriteNumber("accelerator_hours", e.AcceleratorHours);
        w.WriteNumber("wall_clock_seconds", e.WallClockSeconds);
        w.WriteNumber("energy_kwh", e.EnergyKwh);
        w.WriteNumber("carbon_kg_co2e", e.CarbonKg);
        w.WriteStartObject("assumptions");
        w.WriteString("accelerator", a.Accelerator);
        w.WriteNumber("peak_flops", a.PeakFlops);
        w.WriteNumber("utilization", a.Utilization);
        w.WriteNumber("power_watts", a.PowerWatts);
        w.WriteNumber("pue", a.Pue);
        w.WriteNumber("carbon_kg_per_kwh", a.CarbonKgPerKwh);
        w.WriteNumber("accelerators", a.Accelerators);
        w.WriteNumber("tokens_per_parameter", a.TokensPerParameter);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static IRenderable Cell(string text) => BreakdownView.Cell(text);

    private static IRenderable Number(string text) => BreakdownView.Number(text);
}
