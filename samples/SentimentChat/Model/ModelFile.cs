using System.Globalization;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>A missing or unusable model file; the message says how to (re)train it.</summary>
public sealed class ModelFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Saves and loads the classifier as safetensors, in bfloat16 (<see cref="BFloat16Storage"/>): the perceptron's weights
/// under their ParameterKit names, the regression's under <c>regression.</c>, the word-vector convolution's (its vector
/// table included) under <c>words.</c>, and in <c>__metadata__</c> the tokenizer, the label names, the hyperparameters,
/// the vector table's words, each tensor's kind and the dev metrics.
/// </summary>
public static class ModelFile
{
    private const string Version = "6";

    /// <summary>The prefix of the regression's tensors, beside the perceptron's in the same file.</summary>
    private const string RegressionPrefix = "regression.";

    /// <summary>The prefix of the word-vector convolution's tensors.</summary>
    private const string WordsPrefix = "words.";

    /// <summary>The model's name inside a folder given for it (<c>train --out DIR</c>, <c>--model DIR</c>).</summary>
    public const string FileNameInFolder = "model.safetensors";

    /// <summary>Where the chat keeps its model unless told otherwise: the user's local data folder.</summary>
    public static string DefaultPath { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "ParameterKit", "SentimentChat", "model.safetensors");

    /// <summary>Saves the model (atomically) with its metadata and the given metrics.</summary>
    public static void Save(string path, SentimentClassifier model, IReadOnlyDictionary<string, string> metrics)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var shape = model.Shape;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["sentimentchat.version"] = Version,
            ["tokenizer"] = TextEncoder.TokenizerName,
            ["labels"] = string.Join(",", Labels.Names),
            ["max_tokens"] = Text(shape.MaxTokens),
            ["bigram_buckets"] = Text(shape.BigramBuckets),
            ["char_gram_buckets"] = Text(shape.CharGramBuckets),
            ["max_char_grams"] = Text(shape.MaxCharGrams),
            ["channels"] = Text(shape.Channels),
            ["hidden"] = Text(shape.Hidden),
            ["dropout"] = shape.Dropout.ToString("R", CultureInfo.InvariantCulture),
            ["tfidf_buckets"] = Text(model.Regression.Options.Buckets),
            ["word_filters"] = Text(model.Words.Options.Filters),
            ["word_widths"] = Text(model.Words.Options.Widths),
            ["word_vocabulary"] = string.Join('\n', model.Words.Vocabulary),
            ["frustration_threshold"] = model.FrustrationThreshold.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in metrics)
        {
            metadata["metrics." + key] = value;
        }
        var kinds = model.Store.Parameters.Select(p => KeyValuePair.Create(p.Name, p.Kind))
            .Concat(model.Regression.Store.Parameters.Select(p => KeyValuePair.Create(RegressionPrefix + p.Name, p.Kind)))
            .Concat(model.Words.Store.Parameters.Select(p => KeyValuePair.Create(WordsPrefix + p.Name, p.Kind)));
        metadata[RecordedKinds.MetadataKey] = RecordedKinds.Encode(kinds);
        var writer = new SafeTensorsWriter(metadata);
        BFloat16Storage.Add(writer, model.Store, prefix: "");
        BFloat16Storage.Add(writer, model.Regression.Store, RegressionPrefix);
        BFloat16Storage.Add(writer, model.Words.Store, WordsPrefix);
        writer.Save(path);
    }

    /// <summary>
    /// The model cached at <paramref name="path"/> (the samples' cache is <see cref="DefaultPath"/>), or null when
    /// there is none or it cannot be used (saved by an older version of the sample, for another tokenizer, or damaged):
    /// the cache is the sample's own, so the caller trains a fresh model over it instead of failing.
    /// </summary>
    /// <param name="path">The cached model file.</param>
    /// <param name="problem">Why a cached file was not used, or null.</param>
    public static SentimentClassifier? LoadCached(string path, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        problem = null;
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return Load(path);
        }
        catch (ModelFileException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>Loads a model saved by <see cref="Save"/>, from its file or a folder holding <c>model.safetensors</c> (as <c>train --out DIR</c> writes).</summary>
    /// <exception cref="ModelFileException">The file is missing, not safetensors, from another tokenizer or version, or its tensors do not fit.</exception>
    public static SentimentClassifier Load(string path)
    {
        const string retrain = "Train one with: dotnet run --project samples/SentimentChat -- train";
        if (Directory.Exists(path))
        {
            string inside = Path.Combine(path, FileNameInFolder);
            if (!File.Exists(inside))
            {
                throw new ModelFileException($"'{path}' is a folder without a model.safetensors in it. {retrain} --out \"{path}\"");
            }
            path = inside;
        }
        if (!File.Exists(path))
        {
            throw new ModelFileException($"No model at '{path}'. {retrain}");
        }
        try
        {
            IReadOnlyDictionary<string, string> meta;
            Dictionary<string, string> shapes;
            using (var file = SafeTensorsFile.Open(path))
            {
                meta = file.Metadata ?? throw new ModelFileException($"'{path}' has no metadata: it is not a SentimentChat model. {retrain}");
                shapes = file.Tensors.ToDictionary(t => t.Name, t => t.FormatDimensions(), StringComparer.Ordinal);
            }
            if (!meta.TryGetValue("sentimentchat.version", out string? version) || version != Version
                || !meta.TryGetValue("tokenizer", out string? tokenizer) || tokenizer != TextEncoder.TokenizerName)
            {
                throw new ModelFileException($"'{path}' is not a version {Version} SentimentChat model for the {TextEncoder.TokenizerName} tokenizer. {retrain}");
            }
            var shape = new ModelShape(Int(meta, "max_tokens", MaxSlots), Int(meta, "bigram_buckets"), Int(meta, "char_gram_buckets"),
                Int(meta, "max_char_grams", MaxSlots), Int(meta, "channels"), Int(meta, "hidden"), float.Parse(meta["dropout"], CultureInfo.InvariantCulture));
            string[] vocabulary = meta["word_vocabulary"].Split('\n');
            if (vocabulary.Length > MaxSize)
            {
                throw new FormatException($"'word_vocabulary' lists {vocabulary.Length} words; expected at most {MaxSize}.");
            }
            var regression = new TfidfRegressionOptions(Buckets: Int(meta, "tfidf_buckets"));
            var words = new WordConvolutionOptions(Filters: Int(meta, "word_filters"), Widths: Int(meta, "word_widths", MaxWidths));
            RequireClaimedShapes(shapes, shape, regression, vocabulary.Length, words);
            var model = new SentimentClassifier(shape, regression, vocabulary, words);
            model.Store.Materialize(seed: 0);
            model.Store.Load(path, new CheckpointLoadOptions { MapName = name => IsMember(name, RegressionPrefix) || IsMember(name, WordsPrefix) ? null : name });
            model.Regression.Store.Load(path, new CheckpointLoadOptions { MapName = name => IsMember(name, RegressionPrefix) ? name[RegressionPrefix.Length..] : null });
            model.Words.Store.Materialize(seed: 0);
            model.Words.Store.Load(path, new CheckpointLoadOptions { MapName = name => IsMember(name, WordsPrefix) ? name[WordsPrefix.Length..] : null });
            float threshold = float.Parse(meta["frustration_threshold"], CultureInfo.InvariantCulture);
            // A probability: NaN or -5 loaded and made every message frustrated, or none, or broke --json output.
            if (!(threshold is >= 0 and <= 1))
            {
                throw new FormatException($"frustration_threshold {meta["frustration_threshold"]} is not a probability in [0, 1]");
            }
            model.FrustrationThreshold = threshold;
            // Every weight finite: a NaN or infinite one loaded and classified every message as "other" (or broke --json).
            foreach (var store in new[] { model.Store, model.Regression.Store, model.Words.Store })
            {
                if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(store.Values))
                {
                    Parameter bad = store.Parameters.First(p => !System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(p.Value));
                    throw new FormatException($"'{bad.Name}' holds a value that is not a finite number");
                }
            }
            return model;
        }
        catch (Exception ex) when (ex is SafeTensorsFormatException or CheckpointLoadException or KeyNotFoundException or FormatException or IOException or ArgumentException)
        {
            throw new ModelFileException($"The model file '{path}' is corrupt or incomplete ({ex.Message}). {retrain}", ex);
        }
    }

    private static bool IsMember(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The largest size a hyperparameter may claim: bounds what a damaged or hostile file can make the loader allocate.</summary>
    private const int MaxSize = 1 << 24;

    /// <summary>The most tokens or character n-grams a message may claim: these size per-message slot buffers, not tensors.</summary>
    private const int MaxSlots = 1 << 12;

    /// <summary>The most window widths the word-vector convolution may claim (it uses three).</summary>
    private const int MaxWidths = 16;

    private static int Int(IReadOnlyDictionary<string, string> meta, string key, int max = MaxSize)
    {
        int value = int.Parse(meta[key], CultureInfo.InvariantCulture);
        return value > 0 && value <= max ? value : throw new FormatException($"'{key}' is {value}; expected 1 to {max}.");
    }

    /// <summary>
    /// Checks every size the metadata claims against the tensor that holds it, before anything is declared: the claims
    /// size buffers and parameters, so a damaged or hostile claim (a million filters, sixteen million hidden units) would
    /// otherwise allocate gigabytes before the tensors could disagree. The tensors' own shapes are bounded by the file.
    /// </summary>
    /// <exception cref="FormatException">A tensor is missing or its shape is not the claimed one (both shapes named).</exception>
    private static void RequireClaimedShapes(Dictionary<string, string> shapes, ModelShape shape, TfidfRegressionOptions regression,
        int words, WordConvolutionOptions convolution)
    {
        int rows = new TextEncoder(shape.MaxTokens, shape.BigramBuckets, shape.CharGramBuckets, shape.MaxCharGrams).TableRows;
        var claims = new List<(string Tensor, long[] Dimensions)>
        {
            ("embedding.weight", [rows, shape.Channels]),
            ("trunk.1.weight", [shape.Hidden, 3L * shape.Channels]),
            ("head.weight", [Labels.Names.Count, shape.Hidden]),
            (RegressionPrefix + "idf.weight", [regression.Buckets, 1]),
            (WordsPrefix + "vectors.weight", [Math.Max(words, 1), WordVectors.Dimensions]),
            (WordsPrefix + "head.1.weight", [Labels.Names.Count, (long)convolution.Widths * convolution.Filters]),
        };
        for (int w = 1; w <= convolution.Widths; w++)
        {
            claims.Add(($"{WordsPrefix}window{w}.weight", [convolution.Filters, (long)w * WordVectors.Dimensions]));
        }
        foreach (var (tensor, dimensions) in claims)
        {
            string claimed = "[" + string.Join(", ", dimensions) + "]";
            if (!shapes.TryGetValue(tensor, out string? actual))
            {
                throw new FormatException($"the metadata implies a tensor '{tensor}' {claimed}, which the file does not hold");
            }
            if (actual != claimed)
            {
                throw new FormatException($"tensor '{tensor}' is {actual} but the metadata implies {claimed}");
            }
        }
    }
}
