namespace ParameterKit.Models;

/// <summary>
/// The bounds every configuration reader applies before a model is declared: how large a config.json file may be, and
/// how many layers a configuration (config.json or GGUF metadata) may ask for.
/// </summary>
internal static class ConfigLimits
{
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
