namespace ParameterKit.Cli.Configs;

/// <summary>
/// The Hugging Face <c>config.json</c> keys that are known not to change the number of parameters, so
/// <c>count</c> may ignore them. Any other key it does not use is an error that names it.
/// </summary>
/// <remarks>
/// <para>
/// Why an allow-list rather than ignoring the unknown: a key we do not understand may well add or remove
/// parameters (<c>mlp_bias</c>, <c>num_local_experts</c>, <c>n_inner</c>, <c>qk_layernorm</c>), and a count that
/// silently ignores it is a wrong count that looks right. Failing loudly and naming the key tells the user
/// exactly what this tool does not model.
/// </para>
/// <para>The list, and why each is harmless:</para>
/// <list type="bullet">
/// <item>Bookkeeping: <c>architectures</c>, <c>model_type</c>, <c>torch_dtype</c>, <c>dtype</c>,
/// <c>transformers_version</c>, <c>_name_or_path</c>, <c>tokenizer_class</c>, <c>task_specific_params</c>,
/// <c>id2label</c>, <c>label2id</c>, <c>return_dict</c>, <c>torchscript</c>, <c>output_attentions</c>,
/// <c>output_hidden_states</c>, <c>use_return_dict</c>, <c>is_decoder</c>, <c>is_encoder_decoder</c>,
/// <c>gradient_checkpointing</c>.</item>
/// <item>Token ids: <c>bos_token_id</c>, <c>eos_token_id</c>, <c>pad_token_id</c>, <c>sep_token_id</c>,
/// <c>decoder_start_token_id</c>.</item>
/// <item>Computation without weights: <c>activation_function</c>, <c>hidden_act</c>, every <c>*_pdrop</c> and
/// <c>*dropout</c>, <c>initializer_range</c>, <c>use_cache</c>, <c>scale_attn_weights</c>,
/// <c>scale_attn_by_inverse_layer_idx</c>, <c>reorder_and_upcast_attn</c>, <c>attn_implementation</c>.</item>
/// <item>Positions by rotation, not by a table (Llama, Mistral): <c>max_position_embeddings</c>,
/// <c>rope_theta</c>, <c>rope_scaling</c>, <c>rope_type</c>; and <c>pretraining_tp</c>, <c>sliding_window</c>.</item>
/// <item>GPT-2's <c>summary_*</c> keys configure the extra heads of <c>GPT2DoubleHeadsModel</c> and
/// sequence classification, which the base checkpoint (and this count) does not include.</item>
/// </list>
/// </remarks>
internal static class HarmlessConfigKeys
{
    private static readonly HashSet<string> Keys = new(StringComparer.Ordinal)
    {
        "architectures", "model_type", "torch_dtype", "dtype", "transformers_version", "_name_or_path", "tokenizer_class",
        "task_specific_params", "id2label", "label2id", "return_dict", "torchscript", "output_attentions",
        "output_hidden_states", "use_return_dict", "is_decoder", "is_encoder_decoder", "gradient_checkpointing",
        "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id", "decoder_start_token_id",
        "activation_function", "hidden_act", "initializer_range", "use_cache", "scale_attn_weights",
        "scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "attn_implementation",
        "max_position_embeddings", "rope_theta", "rope_scaling", "rope_type", "pretraining_tp", "sliding_window",
        "summary_type", "summary_use_proj", "summary_activation", "summary_proj_to_labels", "summary_first_dropout",
    };

    /// <summary>Whether <paramref name="key"/> is known not to change the parameter count.</summary>
    public static bool Contains(string key) =>
        Keys.Contains(key) || key.EndsWith("_pdrop", StringComparison.Ordinal) || key.EndsWith("dropout", StringComparison.Ordinal);
}
