using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace SentimentChat.Model;

/// <summary>
/// Pretrained word vectors: the 40,000 most frequent words of GloVe 6B with their 100-dimensional vectors, shipped in
/// <c>Data/word-vectors/</c> (how the file was made and its licences: the README there). They carry what 43k
/// Reddit comments cannot teach: that "furious" sits near "angry" and "appalling" near "terrible" even when a word
/// never occurs in the training data.
/// </summary>
/// <param name="Words">The words, row by row.</param>
/// <param name="Values">Their vectors, <see cref="Dimensions"/> values per word, row-major.</param>
public sealed record WordVectors(IReadOnlyList<string> Words, float[] Values)
{
    /// <summary>Values per word.</summary>
    public const int Dimensions = 100;

    /// <summary>The shipped file, next to the executable.</summary>
    public static string ShippedPath { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "word-vectors", "glove-6b-100d-40k.safetensors");

    private static readonly Lazy<WordVectors> s_shipped = new(() => Read(ShippedPath));

    /// <summary>The shipped vectors (read once).</summary>
    public static WordVectors Shipped => s_shipped.Value;

    /// <summary>Reads a file laid out like the shipped one: a BF16 tensor <c>vectors</c> [words, 100] and the words,
    /// one per line, in the metadata entry <c>vocabulary</c>.</summary>
    /// <exception cref="InvalidDataException">The file does not hold such a table.</exception>
    public static WordVectors Read(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        if (file.Metadata is null || !file.Metadata.TryGetValue("vocabulary", out string? vocabulary))
        {
            throw new InvalidDataException($"'{path}' has no 'vocabulary' metadata entry: it is not a word-vector table.");
        }
        string[] words = vocabulary.Split('\n');
        var tensor = file.Tensors.FirstOrDefault(t => t.Name == "vectors");
        if (tensor is null || tensor.DType != DType.BF16 || tensor.Rank != 2
            || tensor.Dimensions[0] != (ulong)words.Length || tensor.Dimensions[1] != Dimensions)
        {
            throw new InvalidDataException($"'{path}' needs a BF16 tensor 'vectors' of shape [{words.Length}, {Dimensions}] for its {words.Length} words.");
        }
        return new WordVectors(words, file.ReadSingles("vectors"));
    }
}
