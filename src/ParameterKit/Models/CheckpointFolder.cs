using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Models;

/// <summary>
/// Where a Hugging Face checkpoint folder keeps its weights (<c>model.safetensors</c>, or the index of a sharded
/// checkpoint), and how every architecture's <c>Load(folder, options)</c> fills its declared store from them.
/// </summary>
internal static class CheckpointFolder
{
    /// <summary>The folder's <c>config.json</c>.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="holder">What such a folder is, in the message ("a GPT-2 checkpoint folder").</param>
    /// <exception cref="FileNotFoundException">The folder does not exist or is a file (said so: "no config.json" would send
    /// the reader looking inside a folder that is not there), or holds no config.json.</exception>
    public static string Config(string folder, string holder = "a checkpoint folder")
    {
        string configPath = Path.Combine(folder, "config.json");
        if (File.Exists(configPath))
        {
            return configPath;
        }
        throw Directory.Exists(folder)
            ? new FileNotFoundException($"No config.json in '{folder}': {holder} holds config.json and model.safetensors.", configPath)
            : File.Exists(folder)
            ? new FileNotFoundException($"'{folder}' is a file: give {holder} (config.json and model.safetensors beside each other).", configPath)
            : new FileNotFoundException($"No folder or file at '{Path.GetFullPath(folder)}': give {holder} (config.json and model.safetensors).", folder);
    }

    /// <summary>The single file, else <c>model.safetensors.index.json</c>.</summary>
    /// <exception cref="FileNotFoundException">Neither exists.</exception>
    public static string Weights(string folder)
    {
        string single = Path.Combine(folder, "model.safetensors");
        if (File.Exists(single))
        {
            return single;
        }
        string index = Path.Combine(folder, "model.safetensors.index.json");
        return File.Exists(index) ? index : throw new FileNotFoundException($"No model.safetensors (or model.safetensors.index.json) in '{folder}'.", single);
    }

    /// <summary>
    /// Refuses a config.json that declares more layers than the checkpoint holds tensors, before a single layer is
    /// declared: every layer has several tensors, and declaring a million layers from a 300-byte config took gigabytes
    /// before the first name was compared.
    /// </summary>
    /// <returns>How many values the checkpoint's tensors hold together, for <see cref="Fill"/>'s check of the declared
    /// model against them (one header read serves both).</returns>
    /// <exception cref="ModelConfigException">More layers than tensors.</exception>
    public static ulong CheckLayers(string configPath, string key, int layers, string weights)
    {
        int tensors;
        ulong values;
        using (SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(weights))
        {
            tensors = checkpoint.Tensors.Count;
            values = DeclaredSizeCheck.Total(checkpoint.Tensors.Select(t => t.ElementCount));
        }
        if (layers > tensors)
        {
            throw new ModelConfigException(configPath, key, $"'{key}' is {layers:N0} layers, and '{weights}' holds {tensors:N0} tensors in all");
        }
        return values;
    }

    /// <summary>
    /// Materializes <paramref name="store"/> (a declared model) as <paramref name="options"/> asks and fills it from
    /// <paramref name="weights"/>: float32 values and gradients, or half-precision matrices for inference, viewed in
    /// place from the memory-mapped checkpoint where its dtype matches (which the store then keeps open until
    /// <see cref="ParameterStore.ReleaseHeldWeights"/>, the model's Dispose) and converted once where it does not.
    /// A failed half-precision load closes the checkpoint and frees whatever it had copied before rethrowing.
    /// </summary>
    /// <exception cref="CheckpointLoadException">The checkpoint's tensors do not match the declaration (all differences listed).</exception>
    /// <exception cref="ModelConfigException">config.json declares far more values than the checkpoint holds (checked before allocating).</exception>
    /// <param name="store">The declared store.</param>
    /// <param name="configPath">The config.json that declared the store, named when it declares far more than the checkpoint holds.</param>
    /// <param name="weights">The checkpoint (<see cref="Weights"/>).</param>
    /// <param name="checkpointValues">What <see cref="CheckLayers"/> returned for it.</param>
    /// <param name="options">How to hold the weights.</param>
    /// <param name="loadOptions">The architecture's name rules.</param>
    /// <param name="keepsFloat32">With Q8_0: the architecture's matrices that stay float32 (see <see cref="ParameterStore"/>).</param>
    public static CheckpointLoadReport Fill(ParameterStore store, string configPath, string weights, ulong checkpointValues, ModelLoadOptions options,
        CheckpointLoadOptions loadOptions, Func<Parameter, bool>? keepsFloat32 = null)
    {
        if (loadOptions.Strict)
        {
            DeclaredSizeCheck.ThrowIfLargerThanCheckpoint(store, checkpointValues, configPath, weights);
        }
        if (options.Quantization == WeightQuantization.Q8_0)
        {
            // Safetensors holds no Q8_0: every matrix is quantized into a private copy and the checkpoint closes after loading.
            store.MaterializeForQuantizedInference(keepsFloat32);
            try
            {
                return store.Load(weights, loadOptions);
            }
            catch
            {
                store.ReleaseHeldWeights();
                throw;
            }
        }
        if (options.WeightType == DType.F32)
        {
            store.MaterializeForLoading();
            return store.Load(weights, loadOptions);
        }
        store.MaterializeForInference(options.WeightType);
        try
        {
            return HeldWeightLoading.Load(store, weights, loadOptions);
        }
        catch
        {
            store.ReleaseHeldWeights();
            throw;
        }
    }
}
