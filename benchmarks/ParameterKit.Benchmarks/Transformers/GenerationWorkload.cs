using ParameterKit.Transformers;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// The generation side of a language-model benchmark, written once for every architecture and weight type: a 16-token
/// and a 512-token prompt of random ids (seed 0), greedy generation through the KV cache after the short prompt, and the
/// cached forward pass of the long one (what generation does first).
/// </summary>
internal sealed class GenerationWorkload
{
    private readonly ICausalLanguageModel _model;
    private readonly TextGenerator _generator;
    private readonly KvCache _cache;
    private readonly int[] _prompt;
    private readonly int[] _longPrompt;
    private readonly int[] _generated;
    private readonly float[] _logits;

    /// <param name="model">The model under test.</param>
    /// <param name="newTokens">How many tokens <see cref="Generate"/> produces.</param>
    public GenerationWorkload(ICausalLanguageModel model, int newTokens)
    {
        _model = model;
        _generator = new TextGenerator(model);
        _cache = model.CreateCache();
        var random = new Random(0);
        _prompt = [.. Enumerable.Range(0, 16).Select(_ => random.Next(model.VocabularySize))];
        _longPrompt = [.. Enumerable.Range(0, 512).Select(_ => random.Next(model.VocabularySize))];
        _generated = new int[newTokens];
        _logits = new float[model.VocabularySize];
    }

    /// <summary>Greedy tokens with the KV cache, batch 1, after the 16-token prompt.</summary>
    /// <returns>The number generated (always the number asked for; anything else throws).</returns>
    public int Generate()
    {
        int produced = _generator.Generate(_prompt, _generated, GenerationOptions.Greedy(_generated.Length));
        return produced == _generated.Length ? produced : throw new InvalidOperationException($"Generated {produced} tokens.");
    }

    /// <summary>The 512-token prompt through the cached forward pass from an empty cache.</summary>
    /// <returns>The first logit of the last position (so the work cannot be skipped).</returns>
    public float Prompt512()
    {
        _cache.Reset();
        _model.ForwardCached(_longPrompt, _cache, _logits);
        return _logits[0];
    }
}
