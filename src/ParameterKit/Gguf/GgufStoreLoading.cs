using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Gguf;

/// <summary>Where one GGUF tensor goes in a store, as an architecture's layout decides (see <c>Models/*/…GgufLayout</c>).</summary>
/// <param name="Parameter">The declared parameter's full name.</param>
/// <param name="UnpermuteHeads">
/// When above 0, the tensor's rows were permuted by llama.cpp's converter for rotary embeddings in this many heads
/// (each head's two halves interleaved, <c>LlamaModel.permute</c> in <c>convert_hf_to_gguf.py</c>), and are put back.
/// </param>
internal readonly record struct GgufTensorTarget(string Parameter, int UnpermuteHeads = 0);

/// <summary>
/// Fills a materialized store from a GGUF file: each tensor dequantized to float32 into the parameter an
/// architecture's name map chooses, its shape checked against the declaration, strictly (every declared parameter
/// filled, every tensor placed), with the same report and exception as a safetensors load.
/// </summary>
/// <remarks>
/// GGUF lists dimensions fastest-varying first, so a tensor's PyTorch-order shape (<see cref="GgufTensorInfo.Shape"/>)
/// is compared with the declared one. A tensor that maps to a tied alias (GPT-2's <c>output.weight</c>, stored as a
/// copy of <c>token_embd.weight</c>) must hold exactly its target's bytes; other values mean the file's model is untied.
/// </remarks>
internal static class GgufStoreLoading
{
    internal static CheckpointLoadReport Load(ParameterStore store, GgufFile file, Func<string, GgufTensorTarget?> target,
        IReadOnlySet<string>? ignored = null)
    {
        var plan = new List<(Parameter Parameter, GgufTensorInfo Tensor, int Heads)>();
        var claimed = new Dictionary<Parameter, GgufTensorInfo>(ReferenceEqualityComparer.Instance);
        var unexpected = new List<string>();
        var mismatched = new List<CheckpointMismatch>();
        var skipped = new List<CheckpointSkip>();
        var excluded = new List<string>();
        var tiedCopies = new List<string>();
        var aliases = new List<(string Name, Parameter Parameter, GgufTensorInfo Tensor)>();
        foreach (GgufTensorInfo tensor in file.Tensors)
        {
            if (ignored?.Contains(tensor.Name) == true)
            {
                excluded.Add(tensor.Name);
                continue;
            }
            if (target(tensor.Name) is not { } to || !store.TryGetParameter(to.Parameter, out Parameter? parameter))
            {
                unexpected.Add(tensor.Name);
                continue;
            }
            if (parameter.Name != to.Parameter)
            {
                aliases.Add((to.Parameter, parameter, tensor));
                continue;
            }
            Match(parameter, tensor, to.UnpermuteHeads);
        }
        foreach ((string name, Parameter parameter, GgufTensorInfo tensor) in aliases)
        {
            if (!claimed.TryGetValue(parameter, out GgufTensorInfo? filler))
            {
                Match(parameter, tensor, 0);
            }
            else if (file.HasSameData(filler, tensor))
            {
                tiedCopies.Add(tensor.Name);
            }
            else
            {
                skipped.Add(new CheckpointSkip(tensor.Name,
                    $"'{name}' is tied to '{parameter.Name}', which '{filler.Name}' filled, but this tensor holds other values " +
                    "(the file's model is untied)"));
            }
        }
        List<string> missing = [.. store.Parameters.Where(p => !claimed.ContainsKey(p)).Select(p => p.Name)];
        var report = new CheckpointLoadReport(file.FilePath, [.. plan.Select(p => p.Parameter.Name)], missing, unexpected, mismatched, skipped,
            [], excluded, tiedCopies);
        if (!report.IsComplete)
        {
            throw new CheckpointLoadException(report);
        }
        foreach ((Parameter parameter, GgufTensorInfo tensor, int heads) in plan)
        {
            if (store.HoldsQuantized(parameter))
            {
                GgufQuantizedLoading.Fill(file, tensor, parameter, heads);
                continue;
            }
            file.DequantizeToSingle(tensor, parameter.Value);
            if (heads > 0)
            {
                UnpermuteRotaryRows(parameter.Value, parameter.Shape[0], heads);
            }
        }
        return report;

        void Match(Parameter parameter, GgufTensorInfo tensor, int heads)
        {
            claimed[parameter] = tensor;
            ulong[] shape = tensor.Shape;
            string actual = $"[{string.Join(", ", shape)}] {GgufTensorTypes.Name(tensor.Type)}";
            if (!shape.SequenceEqual(parameter.Shape.Dimensions.ToArray().Select(d => (ulong)d)))
            {
                mismatched.Add(new CheckpointMismatch(parameter.Name, tensor.Name, parameter.Shape, actual, "shape differs"));
            }
            else if (!GgufTensorTypes.CanDequantize(tensor.Type))
            {
                mismatched.Add(new CheckpointMismatch(parameter.Name, tensor.Name, parameter.Shape, actual,
                    $"{GgufTensorTypes.Name(tensor.Type)} has no float32 conversion in ParameterKit"));
            }
            else if (heads > 0 && parameter.Shape[0] % (2 * heads) != 0)
            {
                mismatched.Add(new CheckpointMismatch(parameter.Name, tensor.Name, parameter.Shape, actual,
                    $"{parameter.Shape[0]} rows do not split into {heads} heads of two rotary halves"));
            }
            else
            {
                plan.Add((parameter, tensor, heads));
            }
        }
    }

    /// <summary>
    /// Undoes llama.cpp's rotary permutation of a projection's rows: within each head of <c>d</c> rows, the converter
    /// moved row <c>j·d/2 + i</c> (half <c>j</c>, index <c>i</c>) to row <c>2i + j</c>, so Hugging Face's "rotate half"
    /// layout became GGML's interleaved pairs. Rows of C values are moved back through one scratch copy.
    /// </summary>
    /// <param name="rows">The weight (rows x C) or bias (rows x 1), row-major.</param>
    /// <param name="rowCount">Heads x d.</param>
    /// <param name="heads">The heads the rows were permuted in.</param>
    internal static void UnpermuteRotaryRows(Span<float> rows, int rowCount, int heads) =>
        UnpermuteRotaryRows<float>(rows.ToArray(), rows, rowCount, heads);

    /// <summary>
    /// The same, from <paramref name="permuted"/> into <paramref name="rows"/> (distinct memory) for rows of any element:
    /// float32 values, or a Q8_0 matrix's bytes copied out of the memory map.
    /// </summary>
    internal static void UnpermuteRotaryRows<T>(ReadOnlySpan<T> permuted, Span<T> rows, int rowCount, int heads)
    {
        int width = rows.Length / rowCount, d = rowCount / heads, half = d / 2;
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < half; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    permuted.Slice((h * d + 2 * i + j) * width, width).CopyTo(rows.Slice((h * d + j * half + i) * width, width));
                }
            }
        }
    }
}
