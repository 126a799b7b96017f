using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Loads safetensors checkpoints into a <see cref="ParameterStore"/> and saves a store as one, with
/// Hugging Face names, so a model moves between ParameterKit and PyTorch without conversion.
/// </summary>
/// <example>
/// <code>
/// ParameterStore store = Gpt2Config.Small.Declare();
/// store.Materialize(seed: 0);
/// using var checkpoint = SafeTensorsCheckpoint.Open("gpt2/model.safetensors");
/// store.Load(checkpoint, Gpt2HubLayout.LoadOptions);                       // the model's naming rules
/// store.Save("finetuned.safetensors", transposed: Gpt2HubLayout.IsConv1DWeight);
/// </code>
/// </example>
public static class StoreCheckpoint
{
    /// <summary>
    /// Fills the store's parameters from <paramref name="checkpoint"/>, converting every dtype to float32.
    /// All names are matched and checked before any value is written, so a strict load that fails leaves the
    /// store exactly as it was.
    /// </summary>
    /// <remarks>
    /// The checkpoint stays the caller's: nothing in the store points into it afterwards, so it may be disposed as soon
    /// as this returns. A store held for inference in bf16/f16 or 8-bit takes private copies here; the overload taking a
    /// path views matching tensors in place instead and keeps that file open as long as the model.
    /// </remarks>
    /// <param name="store">A materialized store.</param>
    /// <param name="checkpoint">An open single-file or sharded checkpoint.</param>
    /// <param name="options">Name mapping, transposition and strictness; <see cref="CheckpointLoadOptions.Default"/> when null.</param>
    /// <returns>The report of what was loaded, missing, unexpected and mismatched.</returns>
    /// <exception cref="CheckpointLoadException">Strict mode, and some name did not line up (all are listed).</exception>
    /// <exception cref="InvalidOperationException">The store is not materialized.</exception>
    public static CheckpointLoadReport Load(this ParameterStore store, SafeTensorsCheckpoint checkpoint, CheckpointLoadOptions? options = null) =>
        Load(store, checkpoint, options, viewInPlace: false);

    /// <summary>
    /// <see cref="Load(ParameterStore, SafeTensorsCheckpoint, CheckpointLoadOptions?)"/>, with half-precision matrices viewed
    /// in the memory map when <paramref name="viewInPlace"/>: only for a caller that hands the checkpoint to the store's
    /// weights afterwards (<see cref="HeldWeightLoading.Load"/>), since a view outliving the map reads unmapped memory.
    /// </summary>
    internal static CheckpointLoadReport Load(ParameterStore store, SafeTensorsCheckpoint checkpoint, CheckpointLoadOptions? options, bool viewInPlace)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoint);
        options ??= CheckpointLoadOptions.Default;
        if (!store.IsMaterialized)
        {
            throw new InvalidOperationException("Materialize the store before loading a checkpoint into it: loading fills existing values.");
        }

        var plan = new List<(Parameter Parameter, SafeTensorInfo Tensor, bool Transpose)>();
        // Parameters some tensor named (loaded or mismatched), and by which tensor: those are not "missing".
        var claimed = new Dictionary<Parameter, SafeTensorInfo>(ReferenceEqualityComparer.Instance);
        var unexpected = new List<string>();
        var mismatched = new List<CheckpointMismatch>();
        var skipped = new List<CheckpointSkip>();
        var buffers = new List<string>();
        var excluded = new List<string>();
        var tiedCopies = new List<string>();
        var aliases = new List<(string, Parameter, SafeTensorInfo)>();
        // Files ParameterKit wrote say what each tensor is; for others the names are the only evidence.
        IReadOnlyDictionary<string, ParameterKind>? recorded = RecordedKinds.Read(checkpoint.Metadata);

        foreach (SafeTensorInfo tensor in checkpoint.Tensors)
        {
            string? name = options.ToStoreName(tensor.Name);
            if (name is null)
            {
                excluded.Add(tensor.Name);
            }
            else if (store.TryGetParameter(name, out Parameter? parameter))
            {
                // Canonical names go first, so a tied alias (lm_head.weight) only fills a target nobody else did.
                if (parameter.Name == name)
                {
                    Match(name, parameter, tensor);
                }
                else
                {
                    aliases.Add((name, parameter, tensor));
                }
            }
            else if (options.SkipBuffers && CheckpointCounter.KindOf(tensor, recorded, options.IsBuffer) is null)
            {
                buffers.Add(tensor.Name);
            }
            else
            {
                unexpected.Add(tensor.Name);
            }
        }
        foreach ((string name, Parameter parameter, SafeTensorInfo tensor) in aliases)
        {
            if (!claimed.TryGetValue(parameter, out SafeTensorInfo? filler))
            {
                Match(name, parameter, tensor);
            }
            else if (SameBytes(checkpoint, tensor, filler))
            {
                tiedCopies.Add(tensor.Name);
            }
            else
            {
                // The store ties this name to another parameter, but the checkpoint stores its own, different values:
                // the checkpoint's model was not tied. Loading on would run the wrong weights without a word.
                skipped.Add(new CheckpointSkip(tensor.Name,
                    $"'{name}' is tied to '{parameter.Name}' in the store, which '{filler.Name}' filled, but this tensor holds other values " +
                    "(the checkpoint's model is untied: declare its own parameter, e.g. tie_word_embeddings false)"));
            }
        }

        List<string> missing = [.. store.Parameters.Where(p => !claimed.ContainsKey(p)).Select(p => p.Name)];
        var report = new CheckpointLoadReport(checkpoint.Path, [.. plan.Select(p => p.Parameter.Name)], missing, unexpected, mismatched, skipped,
            buffers, excluded, tiedCopies);
        if (options.Strict && !report.IsComplete)
        {
            throw new CheckpointLoadException(report);
        }
        foreach ((Parameter parameter, SafeTensorInfo tensor, bool transpose) in plan)
        {
            Copy(checkpoint, tensor, parameter, transpose, viewInPlace);
        }
        return report;

        void Match(string name, Parameter parameter, SafeTensorInfo tensor)
        {
            if (claimed.TryGetValue(parameter, out SafeTensorInfo? first))
            {
                // "wte.weight" and "transformer.wte.weight" in one file: both name the same parameter, and only one can fill it.
                mismatched.Add(new CheckpointMismatch(name, tensor.Name, parameter.Shape, $"{tensor.DType.SafeTensorsName()} {tensor.FormatDimensions()}",
                    $"'{first.Name}' fills the same parameter: the file holds it twice"));
                return;
            }
            claimed.Add(parameter, tensor);
            bool transpose = options.Transposed?.Invoke(parameter.Name) == true && tensor.Rank == 2;
            string actual = $"{tensor.DType.SafeTensorsName()} {tensor.FormatDimensions()}";
            if (!FitsShape(tensor, parameter.Shape, transpose))
            {
                mismatched.Add(new CheckpointMismatch(name, tensor.Name, parameter.Shape, actual,
                    transpose && parameter.Shape.Rank == 2
                        ? $"the shapes differ: this layout stores the parameter transposed, as [{parameter.Shape[1]}, {parameter.Shape[0]}]"
                        : "the shapes differ"));
            }
            else if (recorded is not null && recorded.TryGetValue(tensor.Name, out ParameterKind kind) && kind != parameter.Kind)
            {
                mismatched.Add(new CheckpointMismatch(name, tensor.Name, parameter.Shape, actual,
                    $"the file records it as {RecordedKinds.Name(kind)}, the store declares {RecordedKinds.Name(parameter.Kind)}"));
            }
            else if (!ElementConversion.CanConvertToSingle(tensor.DType))
            {
                mismatched.Add(new CheckpointMismatch(name, tensor.Name, parameter.Shape, actual,
                    $"dtype {tensor.DType.SafeTensorsName()} has no conversion to float32"));
            }
            else
            {
                plan.Add((parameter, tensor, transpose));
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> (a file or a sharded index), loads it, and closes it, except into a store held in
    /// bf16/f16 for inference: matching tensors are then viewed in place and the store keeps the file open until the
    /// model is disposed, as the model's own load does.
    /// </summary>
    /// <param name="store">A materialized store.</param>
    /// <param name="path">A <c>.safetensors</c> file or <c>*.safetensors.index.json</c>.</param>
    /// <param name="options">Name mapping, transposition and strictness.</param>
    /// <returns>The load report.</returns>
    public static CheckpointLoadReport Load(this ParameterStore store, string path, CheckpointLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.HalfWeights is not null)
        {
            return HeldWeightLoading.Load(store, path, options ?? CheckpointLoadOptions.Default);
        }
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(path);
        return store.Load(checkpoint, options);
    }

    /// <summary>
    /// Saves every parameter (a tied pair once, under its owner's name) as float32 little-endian with its shape,
    /// which PyTorch's <c>safetensors.torch.load_file</c> reads back as a state dict. The save is atomic.
    /// </summary>
    /// <param name="store">A materialized store.</param>
    /// <param name="path">The target file.</param>
    /// <param name="metadata">The <c>__metadata__</c> map; <c>{"format": "pt"}</c>, which transformers expects, when null.
    /// Either way the save adds <see cref="RecordedKinds.MetadataKey"/>, each parameter's kind.</param>
    /// <param name="transposed">Matrices to store transposed (a model's rule, for example GPT-2's Conv1D weights); none when null.</param>
    /// <exception cref="InvalidOperationException">The store is not materialized.</exception>
    /// <exception cref="InferenceOnlyParameterException">The store holds its matrices in bf16, f16 or Q8_0 for inference
    /// (no float32 values); a file already at <paramref name="path"/> is left as it was.</exception>
    public static void Save(this ParameterStore store, string path, IReadOnlyDictionary<string, string>? metadata = null, Func<string, bool>? transposed = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!store.IsMaterialized)
        {
            throw new InvalidOperationException("Materialize the store before saving it: an unmaterialized store has no values.");
        }
        // Readers learn each tensor's kind from the file rather than guessing it from the name (RecordedKinds).
        var withKinds = new Dictionary<string, string>(metadata ?? new Dictionary<string, string> { ["format"] = "pt" }, StringComparer.Ordinal)
        {
            [RecordedKinds.MetadataKey] = RecordedKinds.Encode(store.Parameters.Select(p => KeyValuePair.Create(p.Name, p.Kind))),
        };
        var writer = new SafeTensorsWriter(withKinds);
        AddParameters(writer, store, transposed);
        writer.Save(path);
    }

    /// <summary>Registers every parameter (tied ones once) with <paramref name="writer"/>, float32, transposed where asked.</summary>
    internal static void AddParameters(SafeTensorsWriter writer, ParameterStore store, Func<string, bool>? transposed = null)
    {
        foreach (Parameter parameter in store.Parameters)
        {
            Shape shape = parameter.Shape;
            bool transpose = transposed?.Invoke(parameter.Name) == true && shape.Rank == 2;
            ulong[] dims = [.. shape.Dimensions.ToArray().Select(d => (ulong)d)];
            if (transpose)
            {
                Array.Reverse(dims);
            }
            writer.Add(parameter.Name, DType.F32, dims, stream =>
            {
                if (!transpose)
                {
                    SafeTensorsWriter.WriteSingles(stream, parameter.Value);
                    return;
                }
                var swapped = new float[parameter.ElementCount];
                MatrixTranspose.Transpose(parameter.Value, shape[0], shape[1], swapped);
                SafeTensorsWriter.WriteSingles(stream, swapped);
            });
        }
    }

    /// <summary>Whether two stored tensors have the same dtype, shape and bytes, compared in windows so no copy is made.</summary>
    private static bool SameBytes(SafeTensorsCheckpoint checkpoint, SafeTensorInfo a, SafeTensorInfo b)
    {
        if (a.DType != b.DType || !a.Dimensions.SequenceEqual(b.Dimensions) || a.ByteLength != b.ByteLength)
        {
            return false;
        }
        SafeTensorsFile fileA = checkpoint.FileOf(a), fileB = checkpoint.FileOf(b);
        const int Window = 1 << 20;
        for (ulong start = 0; start < a.ByteLength; start += Window)
        {
            int length = (int)Math.Min(Window, a.ByteLength - start);
            if (!fileA.GetBytes(a, start, length).SequenceEqual(fileB.GetBytes(b, start, length)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool FitsShape(SafeTensorInfo tensor, Shape shape, bool transpose)
    {
        ReadOnlySpan<ulong> dims = tensor.Dimensions;
        if (dims.Length != shape.Rank)
        {
            return false;
        }
        for (int i = 0; i < dims.Length; i++)
        {
            int expected = shape[transpose ? dims.Length - 1 - i : i];
            if (dims[i] != (ulong)expected)
            {
                return false;
            }
        }
        return true;
    }

    private static void Copy(SafeTensorsCheckpoint checkpoint, SafeTensorInfo tensor, Parameter parameter, bool transpose, bool viewInPlace)
    {
        if (parameter.Store.HoldsQuantized(parameter))
        {
            QuantizedWeightLoading.Fill(checkpoint, tensor, parameter, transpose);
            return;
        }
        if (parameter.Store.HoldsInHalf(parameter))
        {
            // A store loaded for inference in bf16/f16: the matrix keeps the stored layout, viewed in place where it can be.
            HeldWeightLoading.Fill(checkpoint, tensor, parameter, transpose, parameter.Store.HalfWeights!, viewInPlace);
            return;
        }
        Span<float> destination = parameter.Value;
        if (!transpose)
        {
            checkpoint.ConvertToSingle(tensor, destination);
            return;
        }
        // Stored C x OC; the parameter is OC x C.
        var stored = new float[destination.Length];
        checkpoint.ConvertToSingle(tensor, stored);
        MatrixTranspose.Transpose(stored, (int)tensor.Dimensions[0], (int)tensor.Dimensions[1], destination);
    }
}
