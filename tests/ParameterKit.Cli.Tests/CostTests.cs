using ParameterKit.Cli.Costs;

namespace ParameterKit.Cli.Tests;

/// <summary>The cost model's arithmetic and its overridable, printed assumptions.</summary>
public sealed class CostTests
{
    [Fact]
    public void Defaults_use_20_tokens_per_parameter_and_16_bytes_of_training_state()
    {
        CostEstimate e = CostModel.Estimate(1e9, null, CostAssumptions.Default);
        Assert.Equal(20e9, e.Tokens);
        Assert.Equal(6 * 1e9 * 20e9, e.TrainingFlops);
        Assert.Equal(2e9, e.InferenceFlopsPerToken);
        Assert.Equal(16e9, e.TrainingBytesTotal);
        Assert.Equal([4e9, 2e9, 2e9, 1.0625e9, 0.5625e9], e.WeightBytes.Select(w => w.Bytes));
    }

    [Fact]
    public void Time_energy_and_carbon_follow_from_the_assumptions()
    {
        var a = new CostAssumptions("test", PeakFlops: 1e15, Utilization: 0.5, PowerWatts: 1000, Pue: 1.5, CarbonKgPerKwh: 0.2, Accelerators: 10, TokensPerParameter: 20);
        CostEstimate e = CostModel.Estimate(1e9, 1e12, a);
        double hours = 6e21 / 5e14 / 3600;
        Assert.Equal(hours, e.AcceleratorHours, 6);
        Assert.Equal(hours * 3600 / 10, e.WallClockSeconds, 6);
        Assert.Equal(hours * 1.0 * 1.5, e.EnergyKwh, 6);
        Assert.Equal(hours * 1.5 * 0.2, e.CarbonKg, 6);
    }

    [Fact]
    public void Every_assumption_is_printed_and_overridable()
    {
        CliResult result = CliRunner.Run("cost", "--params", "7B", "--accelerator", "H100", "--peak-flops", "989T", "--utilization", "0.5",
            "--power", "700", "--pue", "1.2", "--carbon", "0.1", "--accelerators", "64", "--tokens-per-param", "10");
        Assert.Equal(0, result.ExitCode);
        foreach (string printed in new[] { "H100 (--accelerator) x 64", "9.89e14 FLOP/s", "utilization 0.5", "700 W", "PUE 1.2", "0.1 kg CO2e/kWh", "10 training tokens per parameter", "7.00e10" })
        {
            Assert.Contains(printed, result.Output, StringComparison.Ordinal);
        }
        var json = CliRunner.Run("cost", "--json", "--params", "7e9", "--power", "700").Json();
        Assert.Equal(700, json.GetProperty("assumptions").GetProperty("power_watts").GetDouble());
        Assert.Equal(7e9, json.GetProperty("parameters").GetDouble());
    }

    [Theory]
    [InlineData("--params 0.4", "--params must be an integer above 0 and at most 1E+18, not '0.4'")]   // printed as "0 parameters", estimated with 0.4
    [InlineData("--params 7B --tokens-per-param 1e30", "--tokens-per-param 1E+30 gives 7E+39 training tokens; at most 1E+24 are estimated")]
    [InlineData("--params 7B --accelerators 3000000000", "--accelerators must be an integer above 0 and at most 2147483647, not '3000000000'")]
    public void Inputs_the_estimate_would_misreport_are_refused(string commandLine, string complaint)
    {
        CliResult result = CliRunner.Run(["cost", .. commandLine.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"parameterkit: error: {complaint}\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Figures_given_on_the_command_line_are_not_called_an_A100s()
    {
        CliResult result = CliRunner.Run("cost", "--params", "7B", "--peak-flops", "989T", "--power", "700");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("accelerator NVIDIA A100 SXM (BF16 dense) with --peak-flops and --power given (--accelerator)", result.Output, StringComparison.Ordinal);
        Assert.Contains("accelerator NVIDIA A100 SXM (BF16 dense) (--accelerator)", CliRunner.Run("cost", "--params", "7B").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_of_a_checkpoint_counts_it_first()
    {
        using var folder = new TempFolder();
        var config = new ParameterKit.Models.Llama.LlamaConfig(20, 8, 12, 2, 2, 1);
        Checkpoints.WriteLlama(config, folder.File("model.safetensors"), 1);
        var json = CliRunner.Run("cost", "--json", folder.Path).Json();
        Assert.Equal(CliRunner.Run("inspect", "--json", folder.Path).Json().GetProperty("total_parameters").GetInt64(), json.GetProperty("parameters").GetInt64());
    }

    [Fact]
    public void A_small_model_s_energy_time_and_emissions_are_printed_in_units_that_show_them()
    {
        // 10M parameters on 200M tokens at the defaults: 96 s of one A100, 11.8 Wh and 4.7 g CO2e, which fixed units printed as 0.
        CliResult result = CliRunner.Run("cost", "--params", "10M");
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(" 0 MWh", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 t CO2e", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 accelerator-hours", result.Output, StringComparison.Ordinal);
        CostEstimate e = CostModel.Estimate(10e6, null, CostAssumptions.Default);
        Assert.Contains(Output.Numbers.Readable(e.EnergyKwh * 1000) + " Wh", result.Output, StringComparison.Ordinal);
        Assert.Contains(Output.Numbers.Readable(e.CarbonKg * 1000) + " g CO2e", result.Output, StringComparison.Ordinal);
        Assert.Contains(Output.Numbers.Readable(e.AcceleratorHours) + " accelerator-hours", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.5e-7, "1.50e-7")]
    [InlineData(0.0512, "0.0512")]
    [InlineData(357.44, "357.4")]
    [InlineData(699_536.4, "699,536")]
    public void Readable_numbers_never_round_a_nonzero_value_to_zero(double value, string expected) =>
        Assert.Equal(expected, Output.Numbers.Readable(value));

    [Theory]
    [InlineData(307_800_000.0, "307.8 MWh")]
    [InlineData(12.4, "12.4 Wh")]
    [InlineData(0.25, "0.25 Wh")]
    [InlineData(5e18, "5,000,000 TWh")]
    public void Metric_units_climb_by_thousands(double wattHours, string expected) =>
        Assert.Equal(expected, Output.Numbers.Metric(wattHours, ["Wh", "kWh", "MWh", "GWh", "TWh"]));

    [Fact]
    public void A_checkpoint_with_no_parameters_is_refused_by_name_not_called_an_overflow()
    {
        using var folder = new TempFolder();
        var writer = new ParameterKit.SafeTensors.SafeTensorsWriter();
        writer.Add("empty", new ParameterKit.Tensors.Shape(0), Array.Empty<float>());
        writer.Save(folder.File("model.safetensors"));

        CliResult result = CliRunner.Run("cost", folder.File("model.safetensors"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("holds no parameters", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("overflows", result.Error, StringComparison.Ordinal);
    }
}
