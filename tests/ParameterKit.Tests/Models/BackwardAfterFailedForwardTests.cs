using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Models;

/// <summary>
/// A Forward that throws part-way (an id outside the vocabulary is found while embedding, after the activations of the
/// previous pass were already being overwritten) must not leave Backward something to back-propagate: the gradients would
/// silently take garbage. Backward is refused and every gradient stays as it was.
/// </summary>
public sealed class BackwardAfterFailedForwardTests
{
    public static TheoryData<string> Architectures => ["gpt2", "llama"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_after_a_forward_that_threw_is_refused_and_leaves_every_gradient(string architecture)
    {
        (ICausalLanguageModel model, ParameterStore store, Action<int[], float[]> forward, Action<float[]> backward) = Create(architecture);
        const int Tokens = 4;
        int vocabulary = model.VocabularySize;
        var logits = new float[Tokens * vocabulary];
        var logitsGradient = new float[Tokens * vocabulary];
        for (int i = 0; i < logitsGradient.Length; i++)
        {
            logitsGradient[i] = (i % 7 - 3) * 0.01f;
        }
        forward([1, 2, 3, 4], logits);
        backward(logitsGradient);
        float[] before = [.. store.Parameters.SelectMany(p => p.Gradient.ToArray())];

        Assert.Throws<ArgumentOutOfRangeException>(() => forward([5, 6, vocabulary, 7], logits));
        var error = Assert.Throws<InvalidOperationException>(() => backward(logitsGradient));

        Assert.Contains("last one failed", error.Message, StringComparison.Ordinal);
        float[] after = [.. store.Parameters.SelectMany(p => p.Gradient.ToArray())];
        Assert.Equal(before, after);
        // A forward that completes makes backward possible again.
        forward([1, 2, 3, 4], logits);
        backward(logitsGradient);
    }

    private static (ICausalLanguageModel, ParameterStore, Action<int[], float[]>, Action<float[]>) Create(string architecture)
    {
        if (architecture == "gpt2")
        {
            Gpt2Model gpt2 = Gpt2Model.Create(new Gpt2Config(VocabSize: 13, Positions: 8, Channels: 12, Layers: 2, Heads: 3), seed: 5);
            return (gpt2, gpt2.Store, (ids, y) => gpt2.Forward(ids, 1, ids.Length, y), dy => gpt2.Backward(dy));
        }
        LlamaModel llama = LlamaModel.Create(new LlamaConfig(13, 12, 20, 2, 6, 2) { ContextLength = 16 }, seed: 5);
        return (llama, llama.Store, (ids, y) => llama.Forward(ids, 1, ids.Length, y), dy => llama.Backward(dy));
    }
}
