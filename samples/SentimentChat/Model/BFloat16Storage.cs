using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace SentimentChat.Model;

/// <summary>
/// The classifier is kept in bfloat16: its 181k-row embedding table, the regression's 262k term rows (with their idf
/// values) and the word-vector member's 40k x 100 table would be 44 MB as float32, over the sample's 25 MB budget, and
/// 22.2 MB in bfloat16 (the word vectors are shipped in bfloat16 to begin with). Rounding costs nothing measurable
/// (a pooled bag of embeddings averages the rounding away), and training rounds the model in memory before it chooses
/// the decision threshold, so what the file holds is exactly what was evaluated.
/// </summary>
public static class BFloat16Storage
{
    /// <summary>Rounds every parameter of <paramref name="store"/> to the nearest bfloat16 value, in place.</summary>
    public static void Round(ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (Parameter parameter in store.Parameters)
        {
            Round(parameter);
        }
    }

    /// <summary>Rounds one parameter to the nearest bfloat16 values, in place.</summary>
    public static void Round(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Span<float> values = parameter.Value;
        var bytes = new byte[2 * values.Length];
        BFloat16Conversion.FromSingle(values, bytes);
        BFloat16Conversion.ToSingle(bytes, values);
    }

    /// <summary>Registers every parameter of <paramref name="store"/> with <paramref name="writer"/> as bfloat16, under
    /// <paramref name="prefix"/> + its name.</summary>
    public static void Add(SafeTensorsWriter writer, ParameterStore store, string prefix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(store);
        foreach (Parameter parameter in store.Parameters)
        {
            var bytes = new byte[2 * parameter.ElementCount];
            BFloat16Conversion.FromSingle(parameter.Value, bytes);
            ulong[] dimensions = [.. parameter.Shape.Dimensions.ToArray().Select(d => (ulong)d)];
            writer.Add(prefix + parameter.Name, DType.BF16, dimensions, bytes);
        }
    }
}
