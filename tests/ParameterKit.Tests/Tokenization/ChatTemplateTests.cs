using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Tokenization;

/// <summary>
/// The Jinja subset's semantics, each expected string checked against python3-jinja2 3.1 with transformers' settings
/// (trim_blocks, lstrip_blocks), and its refusals: an unsupported construct is named before anything renders.
/// </summary>
public sealed class ChatTemplateTests
{
    private static readonly ChatTemplateMessage[] Conversation =
    [
        new("system", "Be brief."),
        new("user", "Hi"),
        new("assistant", "Hello"),
    ];

    private static string Render(string template, IReadOnlyDictionary<string, object?>? variables = null, bool addGenerationPrompt = false) =>
        ChatTemplate.Parse(template, "test").Render(Conversation, addGenerationPrompt, "<s>", "</s>", variables);

    [Theory]
    // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before one.
    [InlineData("{% if true %}\n  yes\n{% endif %}\n", "  yes\n")]
    [InlineData("a\n    {% if true %}\nb\n    {% endif %}\nc", "a\nb\nc")]
    // '-' strips all whitespace on its side, newlines included; '+' keeps the indentation lstrip_blocks would drop.
    [InlineData("a  \n  {{- 'b' -}}  \n  c", "abc")]
    [InlineData("x\n  {%+ if true %}y{% endif %}", "x\n  y")]
    // A print tag keeps the newline after it; a comment is dropped like a block.
    [InlineData("{{ 'a' }}\n{# note #}\nb", "a\nb")]
    public void WhitespaceControlMatchesJinja2(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ 'a' + ' b ' | trim + 'c' }}", "abc")]
    [InlineData("{{ messages | length - 1 }}", "2")]
    [InlineData("{{ not none is none }}", "False")]
    [InlineData("{{ 1 if false else 2 }}|{{ 'x' if false }}|", "2||")]
    [InlineData("{{ [1, 2, 3][::-1] }}{{ 'abc'[1:] }}{{ [1,2,3][-1] }}", "[3, 2, 1]bc3")]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 * 3 }}", "3 -4 1 2 3.5 6")]
    [InlineData("{{ 'a' ~ 1 ~ none ~ true }}", "a1NoneTrue")]
    [InlineData("{{ messages[0].role }}/{{ messages[1]['content'] }}/{{ messages[2].missing }}|", "system/Hi/|")]
    [InlineData("{{ 'x' in 'xyz' }} {{ 'q' not in ['q'] }} {{ 'role' in messages[0] }}", "True False True")]
    [InlineData("{{ '  a b  '.strip() }}|{{ 'a,b,,c'.split(',') }}|{{ 'Hi'.startswith('H') }}|{{ '\\n\\nx'.lstrip('\\n') }}", "a b|['a', 'b', '', 'c']|True|x")]
    [InlineData("{{ {'b': [1, 2.5, none, true], 'a': 'é\"'} | tojson }}", "{\"b\": [1, 2.5, null, true], \"a\": \"é\\\"\"}")]
    [InlineData("{{ {'a': [1]} | tojson(indent=2) }}", "{\n  \"a\": [\n    1\n  ]\n}")]
    [InlineData("{{ ['a', 'code', 'b'] | reject('equalto', 'code') | join(', ') }}", "a, b")]
    [InlineData("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }}", "['Hi']")]
    [InlineData("{% for k, v in {'x': 1, 'y': 2} | items %}{{ k }}={{ v }};{% endfor %}", "x=1;y=2;")]
    [InlineData("{{ undefined_thing | default('d') }} {{ '' | default('e', true) }}", "d e")]
    [InlineData("{{ 3 is odd }} {{ none is none }} {{ 'a' is string }} {{ messages is iterable }} {{ messages[0] is mapping }}", "True True True True True")]
    public void ExpressionsMatchJinja2(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void LoopVariablesAndScopingMatchJinja2()
    {
        // A set inside a for is not seen after it (Jinja scoping); a namespace attribute is.
        string template = "{% set x = 'outer' %}{% set ns = namespace(n=0) %}"
            + "{% for m in messages %}{% set x = m.role %}{% set ns.n = ns.n + 1 %}"
            + "{{ loop.index0 }}{{ loop.index }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }};{% endfor %}"
            + "{{ x }} {{ ns.n }}";
        Assert.Equal("01TrueFalse33;12FalseFalse32;23FalseTrue31;outer 3", Render(template));
    }

    [Fact]
    public void ForFilterAndElse()
    {
        Assert.Equal("Hi|", Render("{% for m in messages if m.role == 'user' %}{{ m.content }}|{% endfor %}"));
        Assert.Equal("empty", Render("{% for m in [] %}x{% else %}empty{% endfor %}"));
    }

    [Fact]
    public void GenerationPromptAndSpecialTokensAreVariables()
    {
        Assert.Equal("<s>yes</s>", Render("{{ bos_token }}{% if add_generation_prompt %}yes{% endif %}{{ eos_token }}", addGenerationPrompt: true));
        Assert.Equal("Hello there", Render("{{ greeting }} {{ extra[0].name }}", new Dictionary<string, object?>
        {
            ["greeting"] = "Hello",
            ["extra"] = new List<object?> { new Dictionary<string, object?> { ["name"] = "there" } },
        }));
    }

    [Fact]
    public void RaiseExceptionIsATypedErrorCarryingTheTemplatesMessage()
    {
        var e = Assert.Throws<ChatTemplateException>(() => Render("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"));
        Assert.Contains("System role not supported", e.Message, StringComparison.Ordinal);
        Assert.Null(e.Construct);
    }

    [Theory]
    [InlineData("{% macro greet(x) %}hi{% endmacro %}", "macro")]
    [InlineData("{% include 'other.jinja' %}", "include")]
    [InlineData("{{ 'a' | wordwrap(3) }}", "filter 'wordwrap'")]
    [InlineData("{% if x is divisibleby 3 %}{% endif %}", "test 'divisibleby'")]
    [InlineData("{% raw %}{{ x }}{% endraw %}", "raw")]
    [InlineData("{% set x %}block{% endset %}", "block set")]
    [InlineData("{% for x in y recursive %}{% endfor %}", "recursive for")]
    public void UnsupportedConstructsAreNamedAtParseTime(string template, string construct)
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template, "tokenizer_config.json"));
        Assert.Equal(construct, e.Construct);
        Assert.Contains("tokenizer_config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(construct, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFunctionIsNamedWhenCalled()
    {
        var e = Assert.Throws<ChatTemplateException>(() => Render("line one\n{{ some_helper('x') }}"));
        Assert.Equal("function 'some_helper'", e.Construct);
        Assert.Equal(2, e.Line);
    }

    [Theory]
    [InlineData("{% if true %}never closed", "endif")]
    [InlineData("{{ 'unterminated }}", "string literal")]
    [InlineData("{{ 1 + }}", "unexpected")]
    [InlineData("{% endfor %}", "no matching")]
    [InlineData("{{ x", "never closed")]
    public void MalformedTemplatesFailWithTheirLine(string template, string fragment)
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template, "t"));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Null(e.Construct);
    }

    [Fact]
    public void RunawayTemplatesAreBounded()
    {
        // 1000 x 1000 iterations: past the loop budget, a typed error rather than minutes of work.
        var loops = Assert.Throws<ChatTemplateException>(() => Render("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}x{% for k in range(10) %}{% endfor %}"));
        Assert.Contains("iterations", loops.Message, StringComparison.Ordinal);
        // Doubling a string 40 times would need a terabyte.
        string doubling = "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}";
        Assert.Throws<ChatTemplateException>(() => Render(doubling));
        // Nesting deep enough to overflow a recursive parser's stack.
        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}"));
        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ " + string.Concat(Enumerable.Repeat("not ", 5000)) + "1 }}"));
        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(string.Concat(Enumerable.Repeat("{% if true %}", 5000))));
    }

    [Fact]
    public void AnIndexAfterADotPast64BitsIsATemplateError()
    {
        // Found by the coverage-guided fuzzer (docs/fuzzing.md): 'messages.0' parsed its index with long.Parse, so a
        // longer one escaped as an OverflowException while the same literal in brackets was refused by name.
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ messages.99999999999999999999 }}", "t"));
        Assert.Contains("integer literal 99999999999999999999 is out of range", e.Message, StringComparison.Ordinal);
        Assert.Equal("Hi", Render("{{ messages.1.content }}"));
    }

    [Fact]
    public void UndefinedUsedAsAContainerIsATypedError()
    {
        var e = Assert.Throws<ChatTemplateException>(() => Render("{{ nothing.attr }}"));
        Assert.Contains("'nothing' is undefined", e.Message, StringComparison.Ordinal);
    }
}
