using System.Globalization;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Training;

/// <summary>
/// A whole training run in one safetensors file: every parameter under its own name (so
/// <c>store.Load(path)</c> or PyTorch's <c>load_file</c> reads the weights alone), each optimizer state buffer as a
/// tensor named <c>optimizer/{state}</c>, and the non-tensor state — format version, step, epoch, schedule
/// position, dropout mask counters, early-stopping record — in <c>__metadata__</c>. Saving is atomic.
/// </summary>
/// <remarks>
/// Resuming is bit-identical to an uninterrupted run: shuffling is a pure function of (seed, epoch), the learning
/// rate a pure function of the step, and dropout masks of (seed, call counter), so restoring those counters and the
/// buffers restores everything that decides the next loss.
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>The format version written into <c>parameterkit.checkpoint_version</c>.</summary>
    public const int FormatVersion = 1;

    private const string VersionKey = "parameterkit.checkpoint_version";
    private const string OptimizerPrefix = "optimizer/";

    /// <summary>Saves parameters, optimizer state and trainer state to <paramref name="path"/> (atomically).</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="optimizer">The optimizer (its store holds the parameters).</param>
    /// <param name="state">Where training is, from <see cref="Trainer{TExample}.State"/>.</param>
    /// <param name="metadata">Extra metadata to keep (for example label names); keys must not start with <c>trainer.</c>, <c>optimizer.</c> or <c>dropout.</c>.</param>
    public static void Save(string path, Optimizer optimizer, TrainerState state, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var store = optimizer.Store;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            meta[key] = value;
        }
        meta[VersionKey] = FormatVersion.ToString(CultureInfo.InvariantCulture);
        meta["optimizer.type"] = optimizer.GetType().Name;
        meta["optimizer.step_count"] = Text(optimizer.StepCount);
        meta["optimizer.learning_rate"] = Text(optimizer.LearningRate);
        meta["trainer.epoch"] = Text(state.Epoch);
        meta["trainer.batch_in_epoch"] = Text(state.BatchInEpoch);
        meta["trainer.step"] = Text(state.Step);
        meta["trainer.epoch_loss_sum"] = Text(state.EpochLossSum);
        meta["trainer.best_metric"] = Text(state.BestMetric);
        meta["trainer.best_epoch"] = Text(state.BestEpoch);
        meta["trainer.epochs_without_improvement"] = Text(state.EpochsWithoutImprovement);
        foreach (var dropout in DropoutLayers(store))
        {
            meta["dropout." + dropout.Path] = Text((long)dropout.Calls);
        }
        foreach (var adapter in store.ModuleObjects.OfType<LoraAdapter>())
        {
            meta[AdapterDropoutKey(adapter)] = Text((long)adapter.DropoutCalls); // an adapter store: its dropout masks continue too
        }

        var writer = new SafeTensorsWriter(meta);
        StoreCheckpoint.AddParameters(writer, store);
        foreach (var (name, buffer) in optimizer.State)
        {
            var b = buffer;
            writer.Add(OptimizerPrefix + name, DType.F32, [(ulong)b.Length], stream => SafeTensorsWriter.WriteSingles(stream, b));
        }
        writer.Save(path);
    }

    /// <summary>
    /// Restores parameters, optimizer state and dropout counters from <paramref name="path"/> into a model built
    /// the same way, and returns the trainer state to pass to <see cref="Trainer{TExample}.Fit"/>.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="optimizer">A fresh optimizer of the same type over the rebuilt, materialized store.</param>
    /// <returns>The saved trainer state.</returns>
    /// <exception cref="CheckpointLoadException">A parameter is missing, unexpected or has another shape.</exception>
    /// <exception cref="InvalidDataException">The file is not a ParameterKit training checkpoint, has another format version or another
    /// optimizer type, or a metadata value is not what it should be (the message names the key). Every check comes before any
    /// change: a refused checkpoint leaves the parameters, the optimizer and the dropout counters as they were.</exception>
    public static TrainerState Load(string path, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var store = optimizer.Store;
        using var file = SafeTensorsFile.Open(path);
        var meta = file.Metadata ?? throw new InvalidDataException($"'{path}' has no __metadata__: it is not a ParameterKit training checkpoint.");
        string version = Get(meta, VersionKey, path);
        if (version != FormatVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException($"'{path}' is a version {version} training checkpoint; this ParameterKit reads version {FormatVersion}.");
        }
        string type = Get(meta, "optimizer.type", path);
        if (type != optimizer.GetType().Name)
        {
            throw new InvalidDataException($"'{path}' holds the state of a {type} optimizer, not of a {optimizer.GetType().Name}.");
        }

        // Everything is read and checked before anything changes: a checkpoint refused half-way must leave the model,
        // the optimizer and the dropout counters as they were.
        long stepCount = Whole(meta, "optimizer.step_count", path, long.MaxValue);
        double learningRate = Number(meta, "optimizer.learning_rate", path);
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
        {
            throw new InvalidDataException($"'{path}': the metadata 'optimizer.learning_rate' is '{Get(meta, "optimizer.learning_rate", path)}', not a finite rate of 0 or more.");
        }
        var dropoutCalls = DropoutLayers(store).Select(d => (d, Calls(meta, "dropout." + d.Path, path))).ToList();
        var adapterCalls = store.ModuleObjects.OfType<LoraAdapter>().Select(a => (a, Calls(meta, AdapterDropoutKey(a), path))).ToList();
        var state = new TrainerState
        {
            Epoch = (int)Whole(meta, "trainer.epoch", path, int.MaxValue),
            BatchInEpoch = (int)Whole(meta, "trainer.batch_in_epoch", path, int.MaxValue),
            Step = Whole(meta, "trainer.step", path, long.MaxValue),
            EpochLossSum = Number(meta, "trainer.epoch_loss_sum", path),
            BestMetric = Number(meta, "trainer.best_metric", path),
            BestEpoch = (int)Whole(meta, "trainer.best_epoch", path, int.MaxValue),
            EpochsWithoutImprovement = (int)Whole(meta, "trainer.epochs_without_improvement", path, int.MaxValue),
        };
        var optimizerTensors = new List<(SafeTensorInfo Info, float[] Buffer)>();
        foreach (var (name, buffer) in optimizer.State)
        {
            string tensorName = OptimizerPrefix + name;
            if (!file.Header.TryGetTensor(tensorName, out var info) || info.ElementCount != (ulong)buffer.Length || info.DType != DType.F32)
            {
                throw new InvalidDataException($"'{path}' has no float32 optimizer state '{tensorName}' of {buffer.Length} values for this model.");
            }
            optimizerTensors.Add((info, buffer));
        }

        // Strict for the parameters (every one present with its shape, or the store is left unchanged).
        store.Load(path, new CheckpointLoadOptions
        {
            MapName = name => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) ? null : name,
            SkipBuffers = false,
        });
        foreach (var (info, buffer) in optimizerTensors)
        {
            file.ConvertToSingle(info, buffer);
        }
        optimizer.RestoreStepCount(stepCount);
        optimizer.LearningRate = learningRate;
        foreach (var (dropout, calls) in dropoutCalls)
        {
            if (calls is ulong n)
            {
                dropout.RestoreCalls(n);
            }
        }
        foreach (var (adapter, calls) in adapterCalls)
        {
            if (calls is ulong n)
            {
                adapter.RestoreDropoutCalls(n);
            }
        }
        return state;
    }

    private static IEnumerable<Dropout> DropoutLayers(ParameterStore store) => store.ModuleObjects.OfType<Dropout>();

    private static string AdapterDropoutKey(LoraAdapter adapter) => "dropout." + adapter.Target.Path + ".lora_dropout";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Get(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"'{path}' lacks the metadata '{key}' of a ParameterKit training checkpoint.");

    /// <summary>A whole number from 0 to <paramref name="max"/>, or the error naming the file, the key and the text.</summary>
    private static long Whole(IReadOnlyDictionary<string, string> meta, string key, string path, long max)
    {
        string text = Get(meta, key, path);
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= 0 && value <= max
            ? value
            : throw new InvalidDataException($"'{path}': the metadata '{key}' is '{text}', not a whole number from 0 to {max}.");
    }

    /// <summary>A number as <see cref="Text(double)"/> wrote it (NaN and infinities included).</summary>
    private static double Number(IReadOnlyDictionary<string, string> meta, string key, string path)
    {
        string text = Get(meta, key, path);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidDataException($"'{path}': the metadata '{key}' is '{text}', not a number.");
    }

    /// <summary>A dropout counter, or null when the checkpoint has none for this layer.</summary>
    private static ulong? Calls(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        !meta.TryGetValue(key, out string? text) ? null
        : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong calls) ? calls
        : throw new InvalidDataException($"'{path}': the metadata '{key}' is '{text}', not a count of calls.");
}
