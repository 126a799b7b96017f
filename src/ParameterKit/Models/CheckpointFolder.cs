namespace ParameterKit.Models;

/// <summary>Where a Hugging Face checkpoint folder keeps its weights: <c>model.safetensors</c>, or the index of a sharded checkpoint.</summary>
internal static class CheckpointFolder
{
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
}
