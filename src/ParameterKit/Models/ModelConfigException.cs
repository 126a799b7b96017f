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
}
