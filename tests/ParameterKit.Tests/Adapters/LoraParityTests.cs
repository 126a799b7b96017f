using System.Text.Json;
using ParameterKit.Adapters;
using ParameterKit.SafeTensors;
using static ParameterKit.Tests.Adapters.LoraTestModels;

namespace ParameterKit.Tests.Adapters;

/// <summary>
/// Parity with PEFT's LoRA as written in plain PyTorch by Fixtures/lora/make_lora_fixture.py (peft itself is not installed
/// there): the adapter files the script wrote the way PEFT saves them, on the tiny GPT-2 c24_h3_l2 with LoRA r = 4,
/// α = 8 on c_attn and c_fc (Conv1D, fan_in_fan_out), B = 2 sequences of T = 4. The reference runs in float64 on the
/// float32 weights; its finite differences (h = 1e-6, float64) agree with its autograd to 1e-7.
/// </summary>
public class LoraParityTests
{
    private const double LogitTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lora", "gpt2_c24_r4");

    [Fact]
    public void LogitsAndAdapterGradientsMatchTheReference()
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "expected.json")));
        var root = expected.RootElement;
        int[] ids = [.. root.GetProperty("ids").EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(e => e.GetInt32())];
        float[] weights = [.. root.GetProperty("loss_weights").EnumerateArray().Select(e => e.GetSingle())];
        double[] logitsExpected = [.. root.GetProperty("logits").EnumerateArray().Select(e => e.GetDouble())];

        var model = TinyGpt2("c24_h3_l2");
        var lora = LoraAdapters.Load(model.Store, Folder);
        Assert.Equal(4, lora.Adapters.Count);
        Assert.Equal(2f, lora.Adapters[0].Scale);
        var logits = new float[ids.Length * model.Config.VocabSize];
        model.Forward(ids, 2, ids.Length / 2, logits);
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.True(Math.Abs(logits[i] - logitsExpected[i]) <= LogitTolerance, $"logit {i}: {logits[i]} vs {logitsExpected[i]}");
        }

        lora.Store.ZeroGradients();
        model.Backward(weights);
        var gradients = root.GetProperty("gradients");
        foreach (var adapter in lora.Adapters)
        {
            foreach (var (matrix, name) in new[] { (adapter.A, lora.Layout.TensorName(adapter.Target.Path, true)), (adapter.B, lora.Layout.TensorName(adapter.Target.Path, false)) })
            {
                double[] reference = [.. gradients.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];
                float[] actual = matrix.Gradient.ToArray();
                Assert.Equal(reference.Length, actual.Length);
                for (int i = 0; i < actual.Length; i++)
                {
                    Assert.True(Math.Abs(actual[i] - reference[i]) <= GradientTolerance, $"{name}[{i}]: {actual[i]} vs autograd {reference[i]}");
                }
            }
        }
        int checkedDifferences = 0;
        foreach (var difference in root.GetProperty("finite_differences").EnumerateArray())
        {
            string name = difference.GetProperty("name").GetString()!;
            int index = difference.GetProperty("index").GetInt32();
            double value = difference.GetProperty("value").GetDouble();
            var adapter = lora.Adapters.Single(a => name.Contains("." + a.Target.Path + ".", StringComparison.Ordinal));
            float actual = (name.EndsWith(".lora_A.weight", StringComparison.Ordinal) ? adapter.A : adapter.B).Gradient[index];
            Assert.True(Math.Abs(actual - value) <= GradientTolerance, $"{name}[{index}]: {actual} vs finite difference {value}");
            checkedDifferences++;
        }
        Assert.Equal(4 * 2 * 6, checkedDifferences);
    }

    [Fact]
    public void SavingThePeftAdapterAgainReproducesItsTensors()
    {
        var lora = LoraAdapters.Load(TinyGpt2("c24_h3_l2").Store, Folder);
        string folder = Environment.GetEnvironmentVariable("PARAMETERKIT_LORA_EXPORT") is { Length: > 0 } export
            ? export   // make_lora_fixture.py --check reads this folder (see Fixtures/lora/README.md)
            : Directory.CreateTempSubdirectory("pk-lora-parity-").FullName;
        try
        {
            lora.Save(folder);
            using var original = SafeTensorsFile.Open(Path.Combine(Folder, "adapter_model.safetensors"));
            using var saved = SafeTensorsFile.Open(Path.Combine(folder, "adapter_model.safetensors"));
            Assert.Equal(original.Tensors.Select(t => t.Name).Order(), saved.Tensors.Select(t => t.Name).Order());
            foreach (var tensor in original.Tensors)
            {
                var copy = saved.GetTensor(tensor.Name);
                Assert.Equal(tensor.Dimensions.ToArray(), copy.Dimensions.ToArray());
                Assert.True(original.GetBytes(tensor).SequenceEqual(saved.GetBytes(copy)), tensor.Name);
            }
            using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "adapter_config.json")));
            Assert.Equal(["c_attn", "c_fc"], config.RootElement.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()).ToArray());
            Assert.Equal("c24_h3_l2", config.RootElement.GetProperty("base_model_name_or_path").GetString());
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("PARAMETERKIT_LORA_EXPORT") is not { Length: > 0 })
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
