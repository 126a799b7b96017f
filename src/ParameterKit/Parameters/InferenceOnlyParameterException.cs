using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A parameter held in half precision for inference (a model loaded with <c>WeightType = DType.BF16</c> or
/// <c>F16</c>) was asked for what only float32 training storage has: its float32 values, its gradient, or an
/// optimizer step. Load the model with <c>WeightType = DType.F32</c> (the default) to train, fine-tune or edit it.
/// </summary>
public sealed class InferenceOnlyParameterException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="parameterName"/>, held as <paramref name="weightType"/>.</summary>
    /// <param name="parameterName">The parameter's full name, or the store's description when no single parameter is at fault.</param>
    /// <param name="weightType">The half-precision type the weights are held in.</param>
    /// <param name="request">What was asked for (for example "its gradient").</param>
    public InferenceOnlyParameterException(string parameterName, DType weightType, string request)
        : base($"'{parameterName}' is held in {weightType.SafeTensorsName()} for inference, so {request} cannot be had: " +
               "half-precision weights are read-only and have no float32 values or gradients. Load the model with WeightType = DType.F32 to train or edit it.")
    {
        ParameterName = parameterName;
        WeightType = weightType;
    }

    private InferenceOnlyParameterException(string parameterName, string request)
        : base($"'{parameterName}' is held in Q8_0 for inference, so {request} cannot be had: " +
               "quantized weights are read-only and have no float32 values or gradients. Load the model without a Quantization to train or edit it.")
    {
        ParameterName = parameterName;
        WeightType = DType.I8;
    }

    /// <summary>The exception for a parameter of a store quantized to Q8_0 (<see cref="WeightType"/> is then I8).</summary>
    internal static InferenceOnlyParameterException Quantized(string parameterName, string request) => new(parameterName, request);

    /// <summary>The parameter at fault.</summary>
    public string ParameterName { get; }

    /// <summary>The half-precision type the weights are held in; <see cref="DType.I8"/> for weights quantized to Q8_0 (8-bit integers with a scale per block).</summary>
    public DType WeightType { get; }
}
