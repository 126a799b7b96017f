namespace ParameterKit.Parameters;

/// <summary>
/// How the matrices of a model loaded for inference are quantized (<c>ModelLoadOptions.Quantization</c>,
/// <see cref="ParameterStore.Quantization"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "The name is llama.cpp's own (Q8_0): the one users read in file names, model cards and llama.cpp's output.")]
public enum WeightQuantization
{
    /// <summary>Not quantized: matrices are held in the store's <see cref="ParameterStore.WeightType"/>.</summary>
    None = 0,

    /// <summary>
    /// llama.cpp's Q8_0: per row, blocks of 32 values, each an F16 scale <c>d</c> and 32 signed bytes <c>q</c>
    /// (value = <c>d · q</c>), 34 bytes per 32 values: 1.0625 bytes per parameter.
    /// </summary>
    Q8_0 = 1,
}
