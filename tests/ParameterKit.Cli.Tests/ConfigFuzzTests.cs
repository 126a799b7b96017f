using ParameterKit.Models.Llama;
using System.Text;
using ParameterKit.Cli.Configs;
using ParameterKit.Counting.Architectures;
using ParameterKit.Models.Gpt2;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Seeded mutation fuzzing of <c>config.json</c> parsing (the mutator is the library tests', docs/fuzzing.md): the
/// only exception is the parser's <see cref="CliException"/>, and one parse allocates within a fixed multiple of
/// the input's size. A failure prints the iteration and the input that reproduce it.
/// </summary>
public sealed class ConfigFuzzTests
{
    private const long BytesPerInputByte = 64, FixedBytes = 256 * 1024;

    private static readonly byte[][] Seeds =
    [
        Encoding.UTF8.GetBytes(Checkpoints.Gpt2Json(Gpt2Config.Small)),
        Encoding.UTF8.GetBytes(Checkpoints.LlamaJson(LlamaConfig.Llama2With7B)),
        Encoding.UTF8.GetBytes("""{"model_type": "mistral", "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05}"""),
    ];

    [Fact]
    public void Mutated_configs_give_only_config_errors_in_bounded_memory()
    {
        var random = new Random(31);
        for (int i = 0; i < Mutator.Iterations; i++)
        {
            byte[] input = Mutator.Mutate(Seeds[random.Next(Seeds.Length)], random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ConfigParser.Parse(input, "config.json");
            }
            catch (CliException e)
            {
                Assert.Equal("InvalidConfig", e.Kind);
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name} escaped for input {Convert.ToHexString(input)}: {e}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= BytesPerInputByte * input.Length + FixedBytes,
                $"iteration {i}: allocated {allocated} bytes for a {input.Length}-byte input {Convert.ToHexString(input)}");
        }
    }
}
