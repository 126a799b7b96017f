using System.Globalization;
using System.Text.Unicode;
using ParameterKit.Cli.Sources;
using ParameterKit.CommandLine;
using ParameterKit.Counting.Architectures;
using ParameterKit.Gguf;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;

namespace ParameterKit.Cli.Configs;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> of a GPT-2 or Llama-family (Llama, Mistral, Qwen2) model into a
/// <see cref="ModelConfig"/>, or resolves a built-in name (<c>gpt2</c>, <c>gpt3-175b</c>, <c>llama-2-7b</c>, ...).
/// </summary>
/// <remarks>
/// The layout is chosen as <see cref="CausalLanguageModel.ModelType"/> chooses it for loading (<c>gpt2</c>; <c>llama</c>,
/// <c>mistral</c> or <c>qwen2</c>; without a <c>model_type</c>, GPT-2 when <c>n_embd</c> is present, else Llama), and the
/// file is then read by that architecture's one strict reader, <see cref="Gpt2ConfigJson"/> or <see cref="LlamaConfigJson"/>
/// (the ones <c>Gpt2Model.Load</c> and <c>LlamaModel.Load</c> use), so <c>count</c> refuses exactly what loading refuses.
/// </remarks>
internal static class ConfigParser
{
    /// <summary>
    /// Resolves <paramref name="configOrName"/>: a GGUF file's metadata or an existing config file is parsed, anything else
    /// must be a known name.
    /// </summary>
    /// <exception cref="CliException">Not a file nor a known name, or the file is invalid.</exception>
    public static ModelConfig Resolve(string configOrName)
    {
        ArgumentNullException.ThrowIfNull(configOrName);
        if (GgufSource.Resolve(configOrName) is { } gguf)
        {
            return FromGguf(gguf);
        }
        if (File.Exists(configOrName))
        {
            return Parse(ReadConfigFile(configOrName), configOrName);
        }
        if (Directory.Exists(configOrName) && File.Exists(Path.Combine(configOrName, "config.json")))
        {
            string path = Path.Combine(configOrName, "config.json");
            return Parse(ReadConfigFile(path), path);
        }
        string? known = KnownArchitectures.Names.FirstOrDefault(n => string.Equals(n, configOrName, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return KnownConfigs.Find(known) switch
            {
                Gpt2Config gpt2 => Describe(known, gpt2),
                LlamaConfig llama => Describe(known, llama),
                // A name the library learned after this table: still counted exactly, without the settings.
                _ => new ModelConfig(known, "known", [],
                    () => KnownArchitectures.TryDeclare(known, out var store) ? store : throw new InvalidOperationException(known)),
            };
        }
        if (Directory.Exists(configOrName))
        {
            throw new CliException("NotFound", FolderWithoutConfig(configOrName));
        }
        if (LooksLikePath(configOrName))
        {
            // "missing.gguf", "nope/", "../gpt2/config.json": a path that is not there, as inspect and cost say it.
            throw new CliException("NotFound", $"no such file or folder: '{configOrName}'");
        }
        // A name one or two typing slips from a known one ("llama3-8b") gets it suggested before the whole list.
        string suggestion = EditDistance.Closest(configOrName, KnownArchitectures.Names) is { } near ? $"; did you mean '{near}'?" : "";
        throw new CliException("InvalidConfig",
            $"'{configOrName}' is neither a config.json file nor a known model name{suggestion} (known: {string.Join(", ", KnownArchitectures.Names)})");
    }

    /// <summary>Why a folder gave no configuration: several GGUF files to choose from, or nothing to read.</summary>
    private static string FolderWithoutConfig(string folder)
    {
        string[] ggufs = Directory.GetFiles(folder, "*.gguf");
        return ggufs.Length > 1
            ? $"the folder '{folder}' holds several GGUF files ({string.Join(", ", ggufs.Select(Path.GetFileName).Order(StringComparer.Ordinal))}); name one"
            : $"the folder '{folder}' holds no config.json and no single .gguf file";
    }

    /// <summary>
    /// Whether a missing source was meant as a path rather than a model name: it has a folder separator or a file
    /// extension the command reads. Names carry dots too ("llama-3.2-1b", "qwen2.5-0.5b"), so any dot is not enough.
    /// </summary>
    private static bool LooksLikePath(string source) =>
        source.Contains('/') || source.Contains(Path.DirectorySeparatorChar)
        || source.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        || source.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
        || source.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The configuration a GGUF file's metadata describes, read by the loader's own reader
    /// (<see cref="GgufArchitectures.ReadConfig"/>), so <c>count</c> declares exactly the model loading the file builds.
    /// </summary>
    /// <exception cref="GgufFormatException">The file is rejected or lacks a configuration key.</exception>
    /// <exception cref="CliException">The architecture is not one ParameterKit declares, or the file asks for what it cannot run.</exception>
    private static ModelConfig FromGguf(string path)
    {
        using GgufFile file = GgufSource.Open(path);
        try
        {
            return GgufArchitectures.ReadConfig(file) switch
            {
                Gpt2Config gpt2 => Describe(path, gpt2),
                LlamaConfig llama => Describe(path, llama),
                object other => throw new InvalidOperationException($"GgufArchitectures.ReadConfig returned a {other.GetType().Name}"),
            };
        }
        catch (ModelConfigException e)
        {
            throw new CliException("InvalidConfig", e.Message);
        }
    }

    /// <summary>The largest config file read: the Hub's are a few kilobytes.</summary>
    private const long MaxConfigBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Reads a config file, refusing first what cannot be one: an empty or special file (a FIFO would block, /dev/zero
    /// never ends), one past <see cref="MaxConfigBytes"/>, and a safetensors checkpoint given where its config.json goes.
    /// </summary>
    private static byte[] ReadConfigFile(string path)
    {
        var info = new FileInfo(path);
        if (info.Length == 0)
        {
            throw new CliException("InvalidConfig", $"'{path}' is empty, or not a regular file");
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        // A safetensors file: an 8-byte little-endian header length that fits the file, then the header's '{'.
        Span<byte> start = stackalloc byte[9];
        if (stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start[8] == (byte)'{'
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(start) <= (ulong)info.Length)
        {
            throw new CliException("InvalidConfig", $"'{path}' is a safetensors checkpoint, not a config: inspect or cost reads it, and count --config its folder's config.json");
        }
        if (info.Length > MaxConfigBytes)
        {
            throw new CliException("InvalidConfig", $"'{path}' is {info.Length:N0} bytes; a config.json is a few kilobytes");
        }
        stream.Position = 0;
        byte[] bytes = new byte[info.Length];
        return bytes[..stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)];
    }

    /// <summary>Parses config JSON.</summary>
    /// <param name="json">The UTF-8 file contents.</param>
    /// <param name="source">The file name, for messages.</param>
    /// <exception cref="CliException">The JSON is invalid, a field is missing, mistyped, unknown or unsupported.</exception>
    public static ModelConfig Parse(ReadOnlySpan<byte> json, string source)
    {
        // JsonDocument checks UTF-8 only in the tokens it decodes, and a lone surrogate escape ("\ud800") only
        // when a string is read; both then surface as InvalidOperationException, which must not escape as a crash.
        if (!Utf8.IsValid(json))
        {
            throw Invalid(source, "not valid UTF-8");
        }
        try
        {
            return ParseDocument(json, source);
        }
        catch (InvalidOperationException e)
        {
            throw Invalid(source, $"holds an invalid string ({e.Message})");
        }
    }

    private static ModelConfig ParseDocument(ReadOnlySpan<byte> json, string source)
    {
        string family;
        try
        {
            family = CausalLanguageModel.ModelType(json, source) switch
            {
                "gpt2" => "gpt2",
                "llama" or "mistral" or "qwen2" => "llama",
                string other => throw Invalid(source, $"model_type '{other}' is not supported (supported: {string.Join(", ", CausalLanguageModel.SupportedModelTypes)})"),
            };
        }
        catch (ModelConfigException e)
        {
            throw new CliException("InvalidConfig", e.Message);
        }
        try
        {
            return family == "gpt2" ? Describe(source, Gpt2ConfigJson.Parse(json, source)) : Describe(source, LlamaConfigJson.Parse(json, source));
        }
        catch (ModelConfigException e)
        {
            throw new CliException("InvalidConfig", e.Message);
        }
    }

    private static ModelConfig Describe(string name, Gpt2Config c) => new(name, "gpt2",
        [("vocab_size", Text(c.VocabSize)), ("n_positions", Text(c.Positions)), ("n_embd", Text(c.Channels)),
         ("n_layer", Text(c.Layers)), ("n_head", Text(c.Heads)), ("tie_word_embeddings", c.TieWordEmbeddings ? "true" : "false")],
        c.Declare);

    private static ModelConfig Describe(string name, LlamaConfig c) => new(name, "llama",
        [("model_type", c.ModelType), ("vocab_size", Text(c.VocabSize)), ("hidden_size", Text(c.Hidden)), ("intermediate_size", Text(c.Intermediate)),
         ("num_hidden_layers", Text(c.Layers)), ("num_attention_heads", Text(c.Heads)), ("num_key_value_heads", Text(c.KeyValueHeads)),
         ("head_dim", Text(c.ResolvedHeadDim)), ("tie_word_embeddings", c.TieEmbeddings ? "true" : "false"),
         ("attention_bias", c.AttentionBias ? "true" : "false"), ("mlp_bias", c.MlpBias ? "true" : "false")],
        c.Declare);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static CliException Invalid(string source, string detail) => new("InvalidConfig", $"{source}: {detail}");
}
