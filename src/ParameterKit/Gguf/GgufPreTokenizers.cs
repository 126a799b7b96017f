using ParameterKit.Tokenization;

namespace ParameterKit.Gguf;

/// <summary>
/// The pre-tokenizers a GGUF names in <c>tokenizer.ggml.pre</c>, as split patterns. GGUF stores the name, not the
/// pattern: what a name means is llama.cpp's table (<c>llama-vocab.cpp</c>), the format's reference, so the names here are
/// its groups whose patterns are Hugging Face's own split regexes; any other name is refused by the caller.
/// </summary>
internal static class GgufPreTokenizers
{
    /// <summary>Llama 3's split (tiktoken's cl100k form): letters with one leading non-letter, digits in runs of at most three.</summary>
    internal const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2's split: Llama 3's with every digit on its own.</summary>
    internal const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>How a named pre-tokenizer splits text: its regex stages in order, whether text is NFC-normalized first, and
    /// whether a piece that is a whole vocabulary entry stays one token (llama.cpp's and the Hub's <c>ignore_merges</c>,
    /// Llama 3's rule), which <see cref="Microsoft.ML.Tokenizers.BpeTokenizer"/> alone cannot do.</summary>
    internal readonly record struct Split(string[] Stages, bool NormalizeNfc, bool WholeWords = false);

    /// <summary>The split <paramref name="name"/> means, or false when it is not one built here.</summary>
    /// <remarks>
    /// Qwen2's tokenizer normalizes to NFC before splitting (its <c>tokenizer.json</c> says so; llama.cpp skips it), so the
    /// ids match the model's own tokenizer on composed and decomposed text alike.
    /// </remarks>
    public static bool TryGet(string name, out Split split)
    {
        split = name switch
        {
            "gpt2" or "gpt-2" or "phi-2" or "roberta-bpe" or "mpt" or "olmo" or "jais" => new([TokenizerJsonReader.Gpt2Pattern], false),
            "llama3" or "llama-v3" or "llama-bpe" or "falcon3" => new([Llama3Pattern], false, WholeWords: true),
            "dbrx" or "smaug-bpe" => new([Llama3Pattern], false),
            "qwen2" or "deepseek-r1-qwen" => new([Qwen2Pattern], true),
            // SmolLM, StarCoder and kin: Hugging Face's Digits(individual_digits) then ByteLevel's GPT-2 split.
            "smollm" or "starcoder" or "refact" or "codeshell" => new([@"\p{N}", TokenizerJsonReader.Gpt2Pattern], false),
            _ => default,
        };
        return split.Stages is not null;
    }
}
