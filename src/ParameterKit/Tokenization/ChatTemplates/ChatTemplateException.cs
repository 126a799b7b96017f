namespace ParameterKit.Tokenization;

/// <summary>
/// A chat template cannot be parsed or rendered: it is not valid Jinja, uses a construct this renderer does not
/// implement (<see cref="Construct"/> names it: <c>macro</c>, <c>filter 'wordwrap'</c>, ...), or raised an error while
/// rendering (the template's own <c>raise_exception(...)</c>, an undefined value used as a list, an output past the
/// size limit). The message names the template's source and line.
/// </summary>
public sealed class ChatTemplateException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">Where the template came from (a file path or a label).</param>
    /// <param name="line">The 1-based line of the template at fault, or 0 when unknown.</param>
    /// <param name="construct">The unsupported construct, or <see langword="null"/> when the template is simply wrong or raised an error.</param>
    /// <param name="detail">What is wrong.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public ChatTemplateException(string source, int line, string? construct, string detail, Exception? inner = null)
        : base(line > 0 ? $"{source}: chat template line {line}: {detail}" : $"{source}: chat template: {detail}", inner)
    {
        TemplateSource = source;
        Line = line;
        Construct = construct;
    }

    /// <summary>Where the template came from (a file path or a label).</summary>
    public string TemplateSource { get; }

    /// <summary>The 1-based line at fault, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The unsupported construct (<c>macro</c>, <c>filter 'wordwrap'</c>), or <see langword="null"/>.</summary>
    public string? Construct { get; }
}
