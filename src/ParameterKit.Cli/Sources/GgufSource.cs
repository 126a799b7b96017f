using ParameterKit.Gguf;
using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Sources;

/// <summary>
/// Decides whether what the user named is a GGUF file (llama.cpp's format) rather than a safetensors checkpoint, and
/// opens it through the library's validated, memory-mapped reader.
/// </summary>
/// <remarks>
/// A file is GGUF when it starts with the magic <c>GGUF</c> or its name ends in <c>.gguf</c> (then a wrong magic is
/// reported as GGUF's <c>InvalidMagic</c>, not as a safetensors header error). A folder is GGUF when it holds exactly
/// one <c>.gguf</c> file and no safetensors checkpoint. GGUF over HTTP is not read: its header has no length prefix,
/// so range requests cannot fetch it in a bounded number of steps the way a safetensors header is fetched.
/// </remarks>
internal static class GgufSource
{
    /// <summary>The GGUF file <paramref name="source"/> names, or null when it is not one (a safetensors source).</summary>
    /// <exception cref="CliException">An http(s) URL of a <c>.gguf</c> file: not supported.</exception>
    public static string? Resolve(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Uri.TryCreate(source, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri.AbsolutePath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
                ? throw new CliException("InvalidInput", $"GGUF files are read from disk only, not over HTTP: download '{UriRedaction.Redact(uri)}' first")
                : null;
        }
        if (Directory.Exists(source))
        {
            string[] ggufs = Directory.GetFiles(source, "*.gguf");
            bool safetensors = Directory.GetFiles(source, "*.safetensors").Length + Directory.GetFiles(source, "*.safetensors.index.json").Length > 0;
            return ggufs.Length == 1 && !safetensors ? ggufs[0] : null;
        }
        return File.Exists(source) && (source.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || StartsWithMagic(source)) ? source : null;
    }

    /// <summary>Opens and validates the file.</summary>
    /// <exception cref="GgufFormatException">The file is rejected.</exception>
    public static GgufFile Open(string path) => GgufFile.Open(path);

    /// <summary>Whether the file's first four bytes are <c>GGUF</c>. A FIFO or device is not read (it could block).</summary>
    private static bool StartsWithMagic(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Length < 4 || (info.Attributes & FileAttributes.Device) != 0)
            {
                return false;
            }
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            Span<byte> magic = stackalloc byte[4];
            stream.ReadExactly(magic);
            return magic.SequenceEqual("GGUF"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable here: the safetensors path reports it with its own words.
            return false;
        }
    }
}
