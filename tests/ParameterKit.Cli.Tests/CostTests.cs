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
}
