using ParameterKit.Gguf;

namespace ParameterKit.Models;

/// <summary>
/// Reads a GGUF file's model settings with the checks the config.json readers make, so a file cannot declare what a
/// config.json could not: a count of 0 or past <see cref="int.MaxValue"/>, an epsilon outside (0, 1), a rotary base
/// that is not a positive number, or more blocks than the file holds tensors. Each refusal is a
/// <see cref="ModelConfigException"/> naming the file and the key.
/// </summary>
/// <param name="file">The open file.</param>
internal sealed class GgufModelSettings(GgufFile file)
{
    private readonly GgufMetadata _metadata = file.Metadata;

    /// <summary>A count (heads, widths, positions): a whole number from 1 to <see cref="int.MaxValue"/>.</summary>
    /// <param name="key">The full key (<c>llama.embedding_length</c>).</param>
    /// <param name="fallback">The value when the key is absent; absent and without a fallback is the reader's error.</param>
    public int Count(string key, int? fallback = null)
    {
        if (fallback is int value && !_metadata.ContainsKey(key))
        {
            return value;
        }
        long count = _metadata.GetInteger(key);
        return count is >= 1 and <= int.MaxValue ? (int)count
            : throw Refuse(key, $"'{key}' is {count}; it must be a whole number from 1 to {int.MaxValue}");
    }

    /// <summary>
    /// The number of blocks: a <see cref="Count"/> no larger than the file's tensor count (every block has several), checked
    /// before a single block is declared, since declaring a million of them takes gigabytes.
    /// </summary>
    public int Blocks(string key)
    {
        int blocks = ConfigLimits.CheckLayers(file.FilePath, key, Count(key));
        int tensors = file.Header.Tensors.Count;
        return blocks <= tensors ? blocks
            : throw Refuse(key, $"'{key}' is {blocks:N0} blocks, and the file holds {tensors:N0} tensors in all");
    }

    /// <summary>A normalization epsilon, in (0, 1) as config.json's readers require.</summary>
    public float Epsilon(string key)
    {
        double epsilon = _metadata.GetFloat(key);
        return epsilon is > 0 and < 1 ? (float)epsilon : throw Refuse(key, $"'{key}' {epsilon} must lie in (0, 1)");
    }

    /// <summary>A positive finite number (the rotary base), or <paramref name="fallback"/> when the key is absent.</summary>
    public double Positive(string key, double fallback)
    {
        if (!_metadata.ContainsKey(key))
        {
            return fallback;
        }
        double value = _metadata.GetFloat(key);
        return value > 0 && double.IsFinite(value) ? value : throw Refuse(key, $"'{key}' {value} must be a positive number");
    }

    /// <summary>
    /// The vocabulary size: the row count of <c>token_embd.weight</c>, which must be a matrix (a fuzzed file with a
    /// tensor of rank 0 or 1 there made the readers index past its shape) of 1 to <see cref="int.MaxValue"/> rows.
    /// </summary>
    public int VocabularySize(GgufTensorInfo embeddings)
    {
        ulong[] shape = embeddings.Shape;
        if (shape.Length != 2)
        {
            throw Refuse(embeddings.Name, $"'{embeddings.Name}' is [{string.Join(", ", shape)}]; it must be a matrix of one row per token");
        }
        return shape[0] is >= 1 and <= int.MaxValue ? (int)shape[0]
            : throw Refuse(embeddings.Name, $"'{embeddings.Name}' has {shape[0]} rows");
    }

    /// <summary>A refusal naming the file and <paramref name="key"/>.</summary>
    public ModelConfigException Refuse(string key, string detail) => new(file.FilePath, key, detail);
}
