using System.Collections;
using ParameterKit.Tokenization.ChatTemplates.Jinja;

namespace ParameterKit.Tokenization;

/// <summary>
/// A model's chat template (the Jinja text in <c>tokenizer_config.json</c>'s <c>chat_template</c>), rendered as
/// transformers' <c>apply_chat_template</c> renders it: Jinja with <c>trim_blocks</c> and <c>lstrip_blocks</c>, the
/// variables <c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>, and the helpers
/// <c>raise_exception</c>, <c>strftime_now</c>, <c>namespace</c>, <c>range</c> and the <c>tojson</c> filter.
/// </summary>
/// <remarks>
/// No NuGet package renders Jinja for .NET (the template engines there speak Liquid or their own languages), so this
/// is a small interpreter of the subset chat templates use: <c>if</c>/<c>elif</c>/<c>else</c>, <c>for</c> (with
/// <c>loop.*</c>, unpacking, <c>else</c>), <c>set</c> (including <c>namespace</c> attributes), expressions with
/// Jinja's precedence, slicing, Python string and dict methods, and the common filters and tests. Anything outside it
/// (<c>macro</c>, <c>include</c>, an unknown filter) is a <see cref="ChatTemplateException"/> naming the construct
/// when the template is parsed, never a different prompt.
/// </remarks>
public sealed class ChatTemplate
{
    /// <summary>The longest template accepted, in characters (the Hub's longest are about 20 thousand).</summary>
    public const int MaxSourceLength = 1024 * 1024;

    private readonly IReadOnlyList<Statement> _body;

    private readonly Func<DateTime> _clock;

    private ChatTemplate(string source, string name, IReadOnlyList<Statement> body, Func<DateTime> clock)
    {
        Source = source;
        Name = name;
        _body = body;
        _clock = clock;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Where the template came from (a file path or a label), used in error messages.</summary>
    public string Name { get; }

    /// <summary>Parses a template.</summary>
    /// <param name="source">The Jinja text.</param>
    /// <param name="name">Where it came from, for error messages.</param>
    /// <param name="clock">
    /// The clock <c>strftime_now</c> reads (Llama 3.2's template prints today's date); <see langword="null"/> reads the
    /// local time. Pass a fixed one for reproducible prompts.
    /// </param>
    /// <returns>The template, ready to render.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ChatTemplateException">The text is not valid Jinja or uses an unsupported construct; the message names it and the line.</exception>
    public static ChatTemplate Parse(string source, string name = "chat_template", Func<DateTime>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        if (source.Length > MaxSourceLength)
        {
            throw new ChatTemplateException(name, 0, null, $"the template is {source.Length} characters; at most {MaxSourceLength} are accepted");
        }
        return new ChatTemplate(source, name, JinjaParser.Parse(source, name), clock ?? (() => DateTime.Now));
    }

    /// <summary>Renders the template for a conversation.</summary>
    /// <param name="messages">The conversation, oldest first.</param>
    /// <param name="addGenerationPrompt">Appends the opening of an assistant turn (<c>add_generation_prompt</c>).</param>
    /// <param name="bosToken">The text of <c>bos_token</c>, or <see langword="null"/> to leave it undefined.</param>
    /// <param name="eosToken">The text of <c>eos_token</c>, or <see langword="null"/> to leave it undefined.</param>
    /// <param name="variables">
    /// More variables (<c>tools</c>, <c>date_string</c>, <c>enable_thinking</c>): strings, booleans, integers, doubles,
    /// <see langword="null"/>, lists (<see cref="IEnumerable"/>) and string-keyed dictionaries of those.
    /// </param>
    /// <returns>The prompt text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ChatTemplateException">The template called <c>raise_exception</c>, or failed while rendering; the message names the line.</exception>
    public string Render(IReadOnlyList<ChatTemplateMessage> messages, bool addGenerationPrompt, string? bosToken = null, string? eosToken = null,
        IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["raise_exception"] = new JinjaCallable("raise_exception", (args, _) =>
                throw new ChatTemplateException(Name, 0, null, "the template raised: " + (args.Count > 0 ? JinjaValues.ToText(args[0]) : ""))),
            ["strftime_now"] = new JinjaCallable("strftime_now", (args, _) =>
                JinjaRenderer.StrFTime(_clock(), args.Count > 0 && args[0] is string format ? format : throw new InvalidOperationException("strftime_now needs a format string"))),
            ["namespace"] = new JinjaCallable("namespace", (args, keywords) =>
            {
                var ns = new JinjaNamespace();
                foreach ((string key, object? value) in keywords)
                {
                    ns.Attributes[key] = value;
                }
                return ns;
            }),
            ["range"] = new JinjaCallable("range", (args, _) => Range(args)),
        };
        if (variables is not null)
        {
            foreach ((string key, object? value) in variables)
            {
                globals[key] = Convert(value, key);
            }
        }
        globals["messages"] = messages.Select(m => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = m.Role,
            ["content"] = m.Content,
        }).ToList();
        globals["add_generation_prompt"] = addGenerationPrompt;
        if (bosToken is not null)
        {
            globals["bos_token"] = bosToken;
        }
        if (eosToken is not null)
        {
            globals["eos_token"] = eosToken;
        }
        return new JinjaRenderer(Name, globals).Render(_body);
    }

    private static List<object?> Range(List<object?> args)
    {
        long start = 0, stop, step = 1;
        long At(int i) => args[i] is long l ? l : throw new InvalidOperationException("range() takes integers");
        switch (args.Count)
        {
            case 1: stop = At(0); break;
            case 2: start = At(0); stop = At(1); break;
            case 3: start = At(0); stop = At(1); step = At(2); break;
            default: throw new InvalidOperationException("range() takes 1 to 3 integers");
        }
        if (step == 0)
        {
            throw new InvalidOperationException("range() step cannot be zero");
        }
        var values = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (values.Count >= 100_000)
            {
                throw new InvalidOperationException("range() is limited to 100000 values in a chat template");
            }
            values.Add(i);
        }
        return values;
    }

    /// <summary>Converts a caller's value into the template's value model (Python's types).</summary>
    private static object? Convert(object? value, string name) => value switch
    {
        null or string or bool or long or double => value,
        int i => (long)i,
        float f => (double)f,
        IEnumerable<KeyValuePair<string, object?>> dict => dict.ToDictionary(p => p.Key, p => Convert(p.Value, $"{name}.{p.Key}"), StringComparer.Ordinal),
        IEnumerable list => list.Cast<object?>().Select((v, i) => Convert(v, $"{name}[{i}]")).ToList(),
        _ => throw new ArgumentException($"template variable '{name}' is a {value.GetType().Name}; use strings, booleans, numbers, lists and string-keyed dictionaries", nameof(value)),
    };
}
