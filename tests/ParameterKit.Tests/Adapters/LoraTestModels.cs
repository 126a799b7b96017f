using ParameterKit.Adapters;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Tests.Models.Llama;
using ParameterKit.Tests.Transformers;

namespace ParameterKit.Tests.Adapters;

/// <summary>The tiny models the LoRA tests adapt: the committed GPT-2 and Llama fixtures, and helpers to run them.</summary>
internal static class LoraTestModels
{
    public static Gpt2Model TinyGpt2(string name = "c24_h3_l2") => Gpt2Model.Load(Gpt2Fixture.Load(name).Folder);

    public static LlamaModel TinyLlama(string name = "mha") => LlamaModel.Load(LlamaFixture.FolderOf(name));

    public static readonly int[] Ids = [5, 17, 99, 3, 42, 0, 64, 7];

    /// <summary>Gives every B (and A) random values, so the adapters change the output (B starts at zero).</summary>
    public static void Randomize(LoraAdapters lora, int seed, float amplitude = 0.2f)
    {
        var random = new Random(seed);
        Span<float> values = lora.Store.Values;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5) * 2 * amplitude;
        }
    }

    public static float[] Logits(Gpt2Model model, int batch = 2)
    {
        int t = Ids.Length / batch;
        var logits = new float[Ids.Length * model.Config.VocabSize];
        model.Forward(Ids, batch, t, logits);
        return logits;
    }

    public static float[] Logits(LlamaModel model)
    {
        var logits = new float[Ids.Length * model.VocabularySize];
        model.Forward(Ids.Select(i => i % model.VocabularySize).ToArray(), 1, Ids.Length, logits);
        return logits;
    }

    public static double MaxDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }
        return max;
    }
}
