using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Adapters;

/// <summary>
/// PEFT's two adapter files. <c>adapter_config.json</c> holds <c>LoraConfig</c>'s fields (peft_type LORA, r, lora_alpha,
/// lora_dropout, target_modules, fan_in_fan_out, bias, task_type, base_model_name_or_path, use_rslora);
/// <c>adapter_model.safetensors</c> holds, for each adapted layer, <c>base_model.model.{module}.lora_A.weight</c>
/// (r x C) and <c>.lora_B.weight</c> (OC x r), float32.
/// </summary>
internal static class PeftAdapterFiles
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>
    /// The weights file's record of the config's α and rsLoRA flag, which scale the adapter without showing in any shape:
    /// a config from another save (a save interrupted between its two renames, or a file copied over) is refused on load
    /// instead of silently scaling the adapter wrongly. PEFT ignores safetensors metadata, and its own files lack these.
    /// </summary>
    internal const string AlphaKey = "parameterkit.lora_alpha", RsLoraKey = "parameterkit.use_rslora";

    /// <summary>An adapter config is a few hundred bytes; a file far larger is not one.</summary>
    private const long MaxConfigBytes = 1 << 20;

    public static void Save(LoraAdapters adapters, string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!adapters.Store.IsMaterialized)
        {
            throw new InvalidOperationException("Materialize the adapters before saving them: declared adapters have no values.");
        }
        Directory.CreateDirectory(folder);
        var writer = new SafeTensorsWriter(new Dictionary<string, string>
        {
            ["format"] = "pt",
            [AlphaKey] = adapters.Options.Alpha.ToString("R", CultureInfo.InvariantCulture),
            [RsLoraKey] = adapters.Options.UseRsLora ? "true" : "false",
        });
        foreach (LoraAdapter adapter in adapters.Adapters)
        {
            Add(writer, adapters.Layout.TensorName(adapter.Target.Path, isA: true), adapter.A);
            Add(writer, adapters.Layout.TensorName(adapter.Target.Path, isA: false), adapter.B);
        }
        byte[] config = WriteConfig(adapters);
        // Both files are written and flushed before either replaces its predecessor: a disk that fills up, or any other
        // failure while writing, leaves the folder's adapter exactly as it was. Only a crash between the two renames can
        // pair new weights with the old config, and the scale recorded in the weights (checked on load) reveals that.
        using AtomicFile.PendingFile weights = writer.Prepare(Path.Combine(folder, WeightsFile));
        using AtomicFile.PendingFile configFile = AtomicFile.Prepare(Path.Combine(folder, ConfigFile), stream => stream.Write(config));
        weights.Commit();
        configFile.Commit();
    }

    private static void Add(SafeTensorsWriter writer, string name, Parameter matrix) =>
        writer.Add(name, DType.F32, [(ulong)matrix.Shape[0], (ulong)matrix.Shape[1]], stream => SafeTensorsWriter.WriteSingles(stream, matrix.Value));

    private static byte[] WriteConfig(LoraAdapters adapters)
    {
        LoraOptions o = adapters.Options;
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("peft_type", "LORA");
            json.WriteString("task_type", "CAUSAL_LM");
            if (o.BaseModelName is null)
            {
                json.WriteNull("base_model_name_or_path");
            }
            else
            {
                json.WriteString("base_model_name_or_path", o.BaseModelName);
            }
            json.WriteNumber("r", o.Rank);
            if (o.Alpha == Math.Floor(o.Alpha) && Math.Abs(o.Alpha) < 1e15)
            {
                json.WriteNumber("lora_alpha", (long)o.Alpha); // PEFT's configs hold an integer α
            }
            else
            {
                json.WriteNumber("lora_alpha", o.Alpha);
            }
            json.WriteNumber("lora_dropout", o.Dropout);
            WriteTargets(json, adapters);
            json.WriteBoolean("fan_in_fan_out", adapters.Layout.FanInFanOut);
            json.WriteString("bias", "none");
            json.WriteBoolean("use_rslora", o.UseRsLora);
            json.WriteBoolean("inference_mode", true);
            json.WriteBoolean("init_lora_weights", true);
            json.WriteNull("modules_to_save");
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// PEFT's <c>target_modules</c>: a list of names matches a module whose key equals one or ends with "." and one; a
    /// string is a regular expression the whole key must match. The list of the adapted layers' last names is written
    /// when it selects exactly the adapted layers (the usual <c>["c_attn"]</c>); otherwise an alternation of the exact keys.
    /// </summary>
    private static void WriteTargets(Utf8JsonWriter json, LoraAdapters adapters)
    {
        var adapted = adapters.Adapters.Select(a => a.Target.Path).ToHashSet(StringComparer.Ordinal);
        var names = adapted.Select(LastSegment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        bool exact = LoraTargets.LinearLayers(adapters.BaseStore).All(layer => names.Contains(LastSegment(layer.Path)) == adapted.Contains(layer.Path));
        if (exact)
        {
            json.WriteStartArray("target_modules");
            foreach (string name in names)
            {
                json.WriteStringValue(name);
            }
            json.WriteEndArray();
            return;
        }
        var keys = adapters.Adapters.Select(a => Regex.Escape(adapters.Layout.ModuleKey(a.Target.Path)));
        json.WriteString("target_modules", "(" + string.Join("|", keys) + ")");
    }

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    public static LoraAdapters Load(ParameterStore baseStore, string folder)
    {
        ArgumentNullException.ThrowIfNull(baseStore);
        ArgumentNullException.ThrowIfNull(folder);
        string configPath = Path.Combine(folder, ConfigFile), weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"No {ConfigFile} in '{folder}': a PEFT adapter folder holds {ConfigFile} and {WeightsFile}.", configPath);
        }
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"No {WeightsFile} in '{folder}'.", weightsPath);
        }
        var layout = PeftLayout.For(baseStore);
        var (options, targetModules) = ReadConfig(configPath);
        var linears = LoraTargets.LinearLayers(baseStore).ToDictionary(l => l.Path, StringComparer.Ordinal);

        using SafeTensorsFile file = SafeTensorsFile.Open(weightsPath);
        CheckRecordedScale(file.Metadata, options, weightsPath, configPath);
        var tensors = new Dictionary<(string Path, bool IsA), SafeTensorInfo>();
        foreach (SafeTensorInfo tensor in file.Tensors)
        {
            if (layout.Parse(tensor.Name) is not { } parsed)
            {
                throw new LoraAdapterException(tensor.Name,
                    $"'{tensor.Name}' in {weightsPath} is not a LoRA matrix of this model: expected names like '{layout.TensorName("{layer}", isA: true)}'.");
            }
            if (!linears.ContainsKey(parsed.Path))
            {
                throw new LoraAdapterException(tensor.Name, $"'{tensor.Name}' in {weightsPath} adapts '{parsed.Path}', which is not a linear layer of this model.");
            }
            if (!tensors.TryAdd(parsed, tensor))
            {
                throw new LoraAdapterException(tensor.Name,
                    $"{weightsPath} holds both '{tensors[parsed].Name}' and '{tensor.Name}', two names for the same matrix of '{parsed.Path}'.");
            }
            if (!ElementConversion.CanConvertToSingle(tensor.DType))
            {
                throw new LoraAdapterException(tensor.Name,
                    $"'{tensor.Name}' in {weightsPath} is {tensor.DType.SafeTensorsName()}, which has no conversion to float32.");
            }
        }
        Func<string, bool> targeted = CheckTargets(targetModules, layout, linears.Keys, configPath);
        var paths = tensors.Keys.Select(k => k.Path).ToHashSet(StringComparer.Ordinal);
        if (paths.FirstOrDefault(path => !targeted(layout.ModuleKey(path))) is { } untargeted)
        {
            // PEFT builds adapters only where target_modules points and would leave this one out: loading it would run another model.
            throw new LoraAdapterException(untargeted, $"{weightsPath} adapts '{untargeted}', which target_modules in {configPath} does not name.");
        }
        var targets = linears.Values.Where(l => paths.Contains(l.Path)).ToList();
        foreach (Linear target in targets)
        {
            Check(tensors, (target.Path, true), layout.TensorName(target.Path, isA: true), new Shape(options.Rank, target.InChannels), weightsPath);
            Check(tensors, (target.Path, false), layout.TensorName(target.Path, isA: false), new Shape(target.OutChannels, options.Rank), weightsPath);
        }
        // After the shapes: an adapter made for another model fails there, with both shapes, more tellingly than here.
        if (linears.Keys.FirstOrDefault(path => targeted(layout.ModuleKey(path)) && !paths.Contains(path)) is { } missing)
        {
            // PEFT saves every adapter it built: a targeted layer without one means an empty, truncated or mismatched file.
            throw new LoraAdapterException(layout.TensorName(missing, isA: true),
                $"{weightsPath} has no adapter for '{missing}', which target_modules in {configPath} names" +
                (paths.Count == 0 ? " (the file holds no LoRA matrix at all)." : $" ({paths.Count} of the targeted layers have one)."));
        }
        // Everything that could refuse the files has been checked: attaching changes the model (adapters on its layers,
        // its parameters frozen), which a refusal must never leave half done.
        var adapters = LoraAdapters.AttachForLoading(baseStore, options with { TargetModules = [.. targets.Select(t => t.Path)] }, targets);
        foreach (LoraAdapter adapter in adapters.Adapters)
        {
            file.ConvertToSingle(tensors[(adapter.Target.Path, true)], adapter.A.Value);
            file.ConvertToSingle(tensors[(adapter.Target.Path, false)], adapter.B.Value);
        }
        return adapters;
    }

    /// <summary>
    /// Refuses a config whose α or rsLoRA flag differs from what the weights file records (when it records them: PEFT's
    /// files do not): the pair comes from two saves, and the adapter would run at the wrong scale with no other sign.
    /// </summary>
    private static void CheckRecordedScale(IReadOnlyDictionary<string, string>? metadata, LoraOptions options, string weightsPath, string configPath)
    {
        if (metadata is null)
        {
            return;
        }
        if (metadata.TryGetValue(AlphaKey, out string? alphaText)
            && !(double.TryParse(alphaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double alpha) && alpha == options.Alpha))
        {
            throw new LoraAdapterException(AlphaKey,
                $"{weightsPath} was saved with lora_alpha {Quoted(alphaText)}, but {configPath} says {options.Alpha.ToString("R", CultureInfo.InvariantCulture)}: " +
                "the two files come from different saves (an interrupted save, or one file copied over). Put back the config saved with these weights.");
        }
        string rsLora = options.UseRsLora ? "true" : "false";
        if (metadata.TryGetValue(RsLoraKey, out string? rsLoraText) && rsLoraText != rsLora)
        {
            throw new LoraAdapterException(RsLoraKey,
                $"{weightsPath} was saved with use_rslora {Quoted(rsLoraText)}, but {configPath} says {rsLora}: " +
                "the two files come from different saves (an interrupted save, or one file copied over). Put back the config saved with these weights.");
        }
    }

    /// <summary>A metadata value as a message quotes it: a hostile file's megabyte of text would bury the message.</summary>
    private static string Quoted(string value) => value.Length <= 32 ? value : value[..32] + "…";

    private static void Check(Dictionary<(string Path, bool IsA), SafeTensorInfo> tensors, (string Path, bool IsA) key, string name, Shape expected, string file)
    {
        if (!tensors.TryGetValue(key, out SafeTensorInfo? tensor))
        {
            throw new LoraAdapterException(name, $"{file} lacks '{name}' ({expected}): every adapted layer needs both lora_A and lora_B.", expected);
        }
        bool fits = tensor.Rank == expected.Rank && Enumerable.Range(0, expected.Rank).All(i => tensor.Dimensions[i] == (ulong)expected[i]);
        if (!fits)
        {
            Shape actual = tensor.TryGetShape(out Shape s) ? s : new Shape();
            throw new LoraAdapterException(tensor.Name,
                $"'{tensor.Name}' in {file} is {tensor.FormatDimensions()}, but the model and the config's rank need {expected}.", expected, actual);
        }
    }

    /// <summary>
    /// Every entry of a list <c>target_modules</c> (or a regular expression) must name at least one linear layer.
    /// Returns whether a module key is targeted, as PEFT decides it.
    /// </summary>
    private static Func<string, bool> CheckTargets(TargetModules targetModules, PeftLayout layout, IEnumerable<string> linearPaths, string configPath)
    {
        var keys = linearPaths.Select(layout.ModuleKey).ToList();
        if (targetModules.Pattern is { } pattern)
        {
            Regex regex;
            try
            {
                regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"{configPath}: target_modules \"{pattern}\" is not a valid regular expression ({e.Message})", e);
            }
            bool Matches(string key)
            {
                try
                {
                    return regex.IsMatch(key);
                }
                catch (RegexMatchTimeoutException e)
                {
                    throw new FormatException($"{configPath}: target_modules \"{pattern}\" took more than a second to match the layer name '{key}'", e);
                }
            }
            if (!keys.Exists(Matches))
            {
                throw new LoraAdapterException(pattern, $"target_modules \"{pattern}\" in {configPath} matches no linear layer of this model.");
            }
            return Matches;
        }
        IReadOnlyList<string> names = targetModules.Names;
        foreach (string name in names)
        {
            if (!keys.Exists(key => NamedBy(key, name)))
            {
                throw new LoraAdapterException(name, $"target_modules entry '{name}' in {configPath} names no linear layer of this model.");
            }
        }
        return key => names.Any(name => NamedBy(key, name));

        static bool NamedBy(string key, string name) => key == name || key.EndsWith("." + name, StringComparison.Ordinal);
    }

    /// <summary>The config's <c>target_modules</c>: a regular expression over module keys, or a list of names.</summary>
    private sealed record TargetModules(string? Pattern, IReadOnlyList<string> Names);

    private static (LoraOptions Options, TargetModules TargetModules) ReadConfig(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(SafeTensors.RegularFile.ReadSmall(path, MaxConfigBytes, problem => new FormatException($"{path} {problem}.")),
                new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not valid JSON: {e.Message}", e);
        }
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} must hold a JSON object.");
        }
        try
        {
            return ReadOptions(root, path);
        }
        catch (InvalidOperationException e) when (e.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            // A string value that is not valid UTF-8 (or a lone surrogate escape) fails only when it is read.
            throw new FormatException($"{path} holds a string that is not valid UTF-8 text: {e.Message}", e);
        }
    }

    private static (LoraOptions Options, TargetModules TargetModules) ReadOptions(JsonElement root, string path)
    {
        string peftType = root.TryGetProperty("peft_type", out JsonElement type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "";
        if (peftType != "LORA")
        {
            throw new FormatException($"{path}: peft_type is '{peftType}'; only LORA adapters are read.");
        }
        if (root.TryGetProperty("bias", out JsonElement bias) && bias.ValueKind == JsonValueKind.String && bias.GetString() != "none")
        {
            throw new FormatException($"{path}: bias is '{bias.GetString()}'; only adapters that train no bias (\"none\") are read.");
        }
        // Settings that change what the adapter computes and are not built here: refused, since ignoring one would run
        // another model than PEFT does (a layer scaled by the wrong alpha, a DoRA magnitude left out).
        foreach (string key in (string[])["rank_pattern", "alpha_pattern"])
        {
            if (root.TryGetProperty(key, out JsonElement pattern) && pattern.ValueKind == JsonValueKind.Object && pattern.EnumerateObject().Any())
            {
                throw new FormatException($"{path}: '{key}' gives some layers their own {(key == "rank_pattern" ? "rank" : "alpha")}, which is not read here.");
            }
        }
        foreach (string key in (string[])["layers_to_transform", "modules_to_save"])
        {
            if (root.TryGetProperty(key, out JsonElement value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                && !(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0))
            {
                throw new FormatException($"{path}: '{key}' is set, which is not read here.");
            }
        }
        if (root.TryGetProperty("use_dora", out JsonElement dora) && dora.ValueKind == JsonValueKind.True)
        {
            throw new FormatException($"{path}: use_dora is true; DoRA adapters are not read here, only LoRA.");
        }
        var options = new LoraOptions
        {
            Rank = Number(root, "r", path, required: true) is double r && r == Math.Floor(r) && r >= 1 && r <= int.MaxValue
                ? (int)r : throw new FormatException($"{path}: r must be a positive integer."),
            Alpha = Number(root, "lora_alpha", path, required: false) ?? 8,
            Dropout = Number(root, "lora_dropout", path, required: false) ?? 0,
            UseRsLora = root.TryGetProperty("use_rslora", out JsonElement rs) && rs.ValueKind == JsonValueKind.True,
            BaseModelName = root.TryGetProperty("base_model_name_or_path", out JsonElement b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null,
            TargetModules = ["(loaded)"],
        };
        // Read here, as text, inside ReadConfig's guard: a string that is not valid UTF-8 fails only when it is read,
        // and read later it escaped as an InvalidOperationException.
        TargetModules targets = root.TryGetProperty("target_modules", out JsonElement t) ? ReadTargets(t, path) : throw new FormatException($"{path} has no target_modules.");
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
        return (options, targets);
    }

    private static TargetModules ReadTargets(JsonElement targetModules, string path)
    {
        if (targetModules.ValueKind == JsonValueKind.String)
        {
            return new TargetModules(targetModules.GetString()!, []);
        }
        if (targetModules.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{path}: target_modules must be a list of names or a regular expression.");
        }
        var names = new List<string>();
        foreach (JsonElement entry in targetModules.EnumerateArray())
        {
            names.Add(entry.ValueKind == JsonValueKind.String ? entry.GetString()! : throw new FormatException($"{path}: target_modules holds a non-string."));
        }
        return new TargetModules(null, names);
    }

    private static double? Number(JsonElement root, string key, string path, bool required)
    {
        if (!root.TryGetProperty(key, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new FormatException($"{path} has no '{key}'.") : null;
        }
        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new FormatException($"{path}: '{key}' must be a number.");
    }
}
