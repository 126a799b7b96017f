namespace ParameterKit.Models;

/// <summary>
/// A model's <c>config.json</c> cannot be run as written: it is not valid UTF-8 JSON, a required setting is missing
/// or mistyped, or a setting is unknown or asks for something the architecture's implementation does not do. The
/// message names the file and the setting; <see cref="Setting"/> holds the setting's key when one is to blame.
/// </summary>
/// <remarks>
/// Derives from <see cref="FormatException"/>, which the readers threw before this type existed, so callers that
/// catch that keep working.
/// </remarks>
public sealed class ModelConfigException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file (or label) that was read.</param>
    /// <param name="setting">The key at fault, or <see langword="null"/> when the whole document is (bad JSON, not an object).</param>
    /// <param name="detail">What is wrong, naming the setting.</param>
    /// <param name="inner">The parser's exception, if any.</param>
    public ModelConfigException(string source, string? setting, string detail, Exception? inner = null)
        : base($"{source}: {detail}", inner)
    {
        Source = source;
        Setting = setting;
    }

    /// <summary>The file (or label) that was read.</summary>
    public new string Source { get; }

    /// <summary>The key at fault (<c>n_inner</c>, <c>activation_function</c>, ...), or <see langword="null"/> for a document-wide problem.</summary>
    public string? Setting { get; }

    /// <summary>
    /// The most layers a configuration may declare. The deepest published models have a few hundred; declaring a layer
    /// costs about 9 KB before any weight is read, so a 100-byte config asking for twenty million of them would take
    /// hundreds of gigabytes just to be counted.
    /// </summary>
    internal const int MaxLayers = 10_000;

    /// <summary>Refuses a layer count past <see cref="MaxLayers"/>, naming the file and setting.</summary>
    internal static int CheckLayers(string source, string setting, int layers) =>
        layers <= MaxLayers ? layers
        : throw new ModelConfigException(source, setting, $"'{setting}' {layers:N0} is past {MaxLayers:N0} layers (the deepest published models have a few hundred)");

    /// <summary>The largest configuration file read: the Hub's are a few kilobytes.</summary>
    internal const long MaxConfigBytes = 16L * 1024 * 1024;

    /// <summary>Reads a configuration file (config.json), refusing an empty or special file or one over <see cref="MaxConfigBytes"/>.</summary>
    /// <exception cref="ModelConfigException">The file is empty, not a regular file, or too large.</exception>
    internal static byte[] ReadConfigFile(string path) =>
        SafeTensors.RegularFile.ReadSmall(path, MaxConfigBytes, problem => new ModelConfigException(path, null, problem));
}
