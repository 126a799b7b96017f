using ParameterKit.Models.Llama;
using System.Globalization;
using System.Runtime.InteropServices;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Small random checkpoints in Hugging Face layouts, with the config.json that describes them, so a test can
/// demand that <c>count</c> on the config equals <c>inspect</c> on the weights.
/// </summary>
internal static class Checkpoints
{
    /// <summary>A random small GPT-2 config: C a multiple of the head count, 1-4 layers.</summary>
    public static Gpt2Config RandomGpt2(Random random)
    {
        int heads = random.Next(1, 4);
        return new Gpt2Config(random.Next(10, 80), random.Next(4, 24), heads * random.Next(1, 5) * 2, random.Next(1, 5), heads);
    }

    /// <summary>A random small Llama config: grouped-query heads, tied or not, optional explicit head_dim.</summary>
    public static LlamaConfig RandomLlama(Random random)
    {
        int kv = random.Next(1, 3);
        int heads = kv * random.Next(1, 3);
        int headDim = random.Next(0, 2) == 0 ? 0 : 2 * random.Next(1, 3);
        int hidden = heads * 2 * random.Next(1, 3);
        return new LlamaConfig(random.Next(10, 60), hidden, random.Next(4, 40), random.Next(1, 4), heads, kv,
            TieEmbeddings: random.Next(2) == 0, HeadDim: headDim, AttentionBias: random.Next(4) == 0);
    }

    /// <summary>
    /// Writes GPT-2 as Hugging Face stores it: Conv1D weights transposed (C x OC), no <c>lm_head.weight</c> (tied),
    /// and the causal-mask buffers <c>h.{i}.attn.bias</c> older checkpoints carry, which are not parameters.
    /// </summary>
    public static void WriteGpt2(Gpt2Config config, string path, ulong seed)
    {
        ParameterStore store = config.Declare();
        store.Materialize(seed);
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        foreach (Parameter p in store.Parameters)
        {
            float[] values = p.Value.ToArray();
            bool conv1D = Gpt2HubLayout.IsConv1DWeight(p.Name) && p.Shape.Rank == 2;
            // The values of a random checkpoint need not be transposed to count right; the shape must be.
            writer.Add(p.Name, conv1D ? new Shape(p.Shape[1], p.Shape[0]) : p.Shape, values);
        }
        for (int i = 0; i < config.Layers; i++)
        {
            int t = config.Positions;
            writer.Add($"h.{i}.attn.bias", DType.U8, [1, 1, (ulong)t, (ulong)t], new byte[t * t]);
        }
        writer.Save(path);
    }

    /// <summary>Writes a Llama-layout store with <c>Save</c> (tied <c>lm_head</c> is dropped, as transformers does).</summary>
    public static void WriteLlama(LlamaConfig config, string path, ulong seed)
    {
        ParameterStore store = config.Declare();
        store.Materialize(seed);
        store.Save(path);
    }

    /// <summary>The config.json transformers writes for GPT-2, with its harmless extra keys.</summary>
    public static string Gpt2Json(Gpt2Config c) => Invariant($$"""
        {
          "activation_function": "gelu_new",
          "architectures": ["GPT2LMHeadModel"],
          "attn_pdrop": 0.1,
          "bos_token_id": 50256,
          "embd_pdrop": 0.1,
          "eos_token_id": 50256,
          "initializer_range": 0.02,
          "layer_norm_epsilon": 1e-05,
          "model_type": "gpt2",
          "n_ctx": {{c.Positions}},
          "n_embd": {{c.Channels}},
          "n_head": {{c.Heads}},
          "n_inner": null,
          "n_layer": {{c.Layers}},
          "n_positions": {{c.Positions}},
          "resid_pdrop": 0.1,
          "summary_activation": null,
          "summary_first_dropout": 0.1,
          "summary_proj_to_labels": true,
          "summary_type": "cls_index",
          "summary_use_proj": true,
          "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50} },
          "torch_dtype": "float32",
          "transformers_version": "4.44.0",
          "use_cache": true,
          "vocab_size": {{c.VocabSize}}
        }
        """);

    /// <summary>The config.json transformers writes for a Llama model.</summary>
    public static string LlamaJson(LlamaConfig c) => Invariant($$"""
        {
          "architectures": ["LlamaForCausalLM"],
          "attention_bias": {{(c.AttentionBias ? "true" : "false")}},
          "attention_dropout": 0.0,
          "bos_token_id": 1,
          "eos_token_id": 2,
          {{(c.HeadDim > 0 ? $"\"head_dim\": {c.HeadDim}," : "")}}
          "hidden_act": "silu",
          "hidden_size": {{c.Hidden}},
          "initializer_range": 0.02,
          "intermediate_size": {{c.Intermediate}},
          "max_position_embeddings": 4096,
          "mlp_bias": false,
          "model_type": "llama",
          "num_attention_heads": {{c.Heads}},
          "num_hidden_layers": {{c.Layers}},
          "num_key_value_heads": {{c.KeyValueHeads}},
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_scaling": null,
          "rope_theta": 10000.0,
          "tie_word_embeddings": {{(c.TieEmbeddings ? "true" : "false")}},
          "torch_dtype": "float16",
          "transformers_version": "4.44.0",
          "use_cache": true,
          "vocab_size": {{c.VocabSize}}
        }
        """);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The bytes of a float array, for hand-built tensors.</summary>
    public static byte[] Bytes(params float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
