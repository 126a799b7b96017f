using System.Globalization;
using ParameterKit.Models.Llama;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>Writes the <c>config.json</c> transformers would write for a <see cref="LlamaConfig"/> without rope scaling.</summary>
internal static class LlamaCheckpointConfig
{
    /// <summary>Writes <paramref name="config"/>'s keys to <paramref name="path"/>.</summary>
    public static void Write(LlamaConfig config, string path)
    {
        if (config.RopeScaling is not null || config.AttentionBias || config.MlpBias)
        {
            throw new NotSupportedException("The benchmark shapes use no rope scaling and no Llama attention or MLP biases.");
        }
        string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        File.WriteAllText(path, $$"""
            {"model_type": "{{config.ModelType}}", "vocab_size": {{config.VocabSize}}, "hidden_size": {{config.Hidden}},
             "intermediate_size": {{config.Intermediate}}, "num_hidden_layers": {{config.Layers}},
             "num_attention_heads": {{config.Heads}}, "num_key_value_heads": {{config.KeyValueHeads}},
             "head_dim": {{config.ResolvedHeadDim}}, "max_position_embeddings": {{config.ContextLength}},
             "rope_theta": {{Number(config.RopeTheta)}}, "rms_norm_eps": {{Number(config.RmsNormEpsilon)}},
             "tie_word_embeddings": {{(config.TieEmbeddings ? "true" : "false")}}}
            """);
    }
}
