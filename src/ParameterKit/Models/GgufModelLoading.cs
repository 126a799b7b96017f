using ParameterKit.Gguf;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Models;

/// <summary>
/// Materializes a declared store as <see cref="ModelLoadOptions"/> asks and fills it from an open GGUF file, for every
/// architecture's <c>LoadGguf(path, options)</c>: float32 (every tensor converted or dequantized), or Q8_0 matrices for
/// inference, viewed in place where the file's tensors are Q8_0. When any matrix is such a view, the store takes the
/// file and closes it when the model is disposed; otherwise (and on failure) the caller's <c>using</c> closes it.
/// </summary>
internal static class GgufModelLoading
{
    /// <summary>Fills <paramref name="store"/>; returns the report and whether the store now owns <paramref name="file"/>.</summary>
    /// <exception cref="NotSupportedException">A half-precision weight type was asked for (GGUF loads as F32 or Q8_0).</exception>
    /// <exception cref="CheckpointLoadException">The tensors do not match the declaration.</exception>
    /// <exception cref="ModelConfigException">The settings declare far more values than the file's tensors hold (checked before allocating).</exception>
    /// <param name="store">The declared store.</param>
    /// <param name="file">The open file.</param>
    /// <param name="options">How to hold the weights.</param>
    /// <param name="target">The architecture's name map.</param>
    /// <param name="consumed">Tensors the architecture read into its configuration (Llama's <c>rope_freqs.weight</c>): not parameters, reported as excluded.</param>
    /// <param name="keepsFloat32">With Q8_0: the architecture's matrices that stay float32 (GPT-2's position embeddings).</param>
    public static (CheckpointLoadReport Report, bool OwnsFile) Fill(ParameterStore store, GgufFile file, ModelLoadOptions options,
        Func<string, GgufTensorTarget?> target, IReadOnlySet<string>? consumed = null, Func<Parameter, bool>? keepsFloat32 = null)
    {
        options.Validate();
        DeclaredSizeCheck.ThrowIfLargerThanCheckpoint(store, DeclaredSizeCheck.Total(file.Tensors.Select(t => t.ElementCount)), file.FilePath, file.FilePath);
        if (options.Quantization == WeightQuantization.None)
        {
            if (options.WeightType != DType.F32)
            {
                throw new NotSupportedException(
                    $"'{file.FilePath}' is a GGUF file, which loads in F32 or quantized to Q8_0; holding it in {options.WeightType.SafeTensorsName()} is not built.");
            }
            store.MaterializeForLoading();
            return (GgufStoreLoading.Load(store, file, target, consumed), false);
        }
        store.MaterializeForQuantizedInference(keepsFloat32);
        try
        {
            CheckpointLoadReport report = GgufStoreLoading.Load(store, file, target, consumed);
            QuantizedWeights weights = store.QuantizedWeights!;
            if (weights.MappedBytes > 0)
            {
                weights.Adopt(file);
                return (report, true);
            }
            return (report, false);
        }
        catch
        {
            store.ReleaseHeldWeights();
            throw;
        }
    }
}
