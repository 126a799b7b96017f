namespace ParameterKit.Tokenization;

/// <summary>
/// A model folder's tokenizer files cannot be used as written: <c>tokenizer.json</c>, <c>tokenizer.model</c>,
/// <c>tokenizer_config.json</c> or <c>generation_config.json</c> is missing, too large, not valid JSON, or describes a
/// tokenizer feature this library does not build. The message names the file and, when one is to blame, the JSON
/// setting (<see cref="Setting"/>).
/// </summary>
/// <remarks>Derives from <see cref="FormatException"/>, so callers that catch that keep working.</remarks>
public sealed class TokenizerFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The file that was read.</param>
    /// <param name="setting">The JSON path at fault (<c>model.type</c>, <c>pre_tokenizer.pretokenizers[0]</c>, ...), or <see langword="null"/>.</param>
    /// <param name="detail">What is wrong.</param>
    /// <param name="inner">The parser's exception, if any.</param>
    public TokenizerFormatException(string file, string? setting, string detail, Exception? inner = null)
        : base(setting is null ? $"{file}: {detail}" : $"{file}: '{setting}': {detail}", inner)
    {
        File = file;
        Setting = setting;
    }

    /// <summary>The file that was read.</summary>
    public string File { get; }

    /// <summary>The JSON path at fault, or <see langword="null"/> for a file-wide problem.</summary>
    public string? Setting { get; }
}
