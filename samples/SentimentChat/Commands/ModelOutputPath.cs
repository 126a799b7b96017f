using SentimentChat.Model;

namespace SentimentChat.Commands;

/// <summary>
/// Where <c>train --out</c> (or <c>--model</c>) writes, decided before training starts so a bad path costs a second, not a training run:
/// an existing folder gets <c>model.safetensors</c> (and <c>model.svg</c>) inside it; a file path needs its folder to
/// exist already and gets its curve beside it, with <c>.svg</c> for its extension. The folder must take a new file.
/// </summary>
public static class ModelOutputPath
{
    /// <summary>The file name used inside a folder given as <c>--out</c>.</summary>
    public const string FileName = ModelFile.FileNameInFolder;

    /// <summary>The model file to write for <paramref name="output"/>.</summary>
    /// <param name="output">The path the option gave.</param>
    /// <param name="option">The option's name, for the messages.</param>
    /// <exception cref="CommandException">The path names a missing folder, or a file in a folder that does not exist (exit 2).</exception>
    public static string Resolve(string output, string option = "--out")
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Trim().Length == 0)
        {
            throw CommandException.InvalidInput($"{option} needs a file or folder path.");
        }
        string full = Path.GetFullPath(output);
        if (Directory.Exists(full))
        {
            WritableFolder.Check(full, output);
            return Path.Combine(full, FileName);
        }
        if (output.EndsWith(Path.DirectorySeparatorChar) || output.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw CommandException.InvalidInput($"{option}: the folder '{full}' does not exist; create it first.");
        }
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            throw CommandException.InvalidInput($"{option}: the folder '{folder}' does not exist; create it first or choose another path for '{output}'.");
        }
        if (string.Equals(Path.GetExtension(full), ".svg", StringComparison.OrdinalIgnoreCase))
        {
            // The curve is written as the model's name with .svg: it would overwrite the model it was drawn for.
            throw CommandException.InvalidInput($"{option}: '{output}' ends in .svg, the name of the training curve written beside the model; name the model .safetensors.");
        }
        WritableFolder.Check(folder, output);
        return full;
    }
}
