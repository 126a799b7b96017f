using System;
using System.Collections.Generic;
using System.Linq;

namespace ParameterKit.Analyzers;

/// <summary>
/// The linear layers of the architectures ParameterKit declares, as paths with <c>#</c> for a block index, and how a
/// LoRA target pattern matches them (the rules of <c>LoraOptions.TargetModules</c>: a pattern without <c>*</c> or
/// <c>?</c> matches a path equal to it or ending with <c>.</c> and it; one with them is a glob over the whole path).
/// </summary>
/// <remarks>
/// The analyzer cannot load the library, so the names are written here a second time; the test
/// <c>LoraArchitectureTests</c> declares both models with the real library and fails when these lists and the models'
/// linear layers differ, which is what keeps the two declarations from drifting.
/// </remarks>
internal sealed class LoraArchitecture
{
    public static readonly LoraArchitecture Gpt2 = new(
        "GPT-2",
        ["h.#.attn.c_attn", "h.#.attn.c_proj", "h.#.mlp.c_fc", "h.#.mlp.c_proj", "lm_head"],
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["wte"] = "the token embedding", ["wpe"] = "the position embedding",
            ["ln_1"] = "a layer norm", ["ln_2"] = "a layer norm", ["ln_f"] = "the final layer norm",
            ["attn"] = "the attention block, not one layer", ["mlp"] = "the MLP block, not one layer",
        });

    public static readonly LoraArchitecture Llama = new(
        "the Llama family",
        [
            "model.layers.#.self_attn.q_proj", "model.layers.#.self_attn.k_proj", "model.layers.#.self_attn.v_proj",
            "model.layers.#.self_attn.o_proj", "model.layers.#.mlp.gate_proj", "model.layers.#.mlp.up_proj",
            "model.layers.#.mlp.down_proj", "lm_head",
        ],
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["embed_tokens"] = "the token embedding", ["input_layernorm"] = "an RMS norm",
            ["post_attention_layernorm"] = "an RMS norm", ["norm"] = "the final RMS norm",
            ["self_attn"] = "the attention block, not one layer", ["mlp"] = "the MLP block, not one layer",
        });

    /// <summary>Every architecture above.</summary>
    public static readonly LoraArchitecture[] All = [Gpt2, Llama];

    private LoraArchitecture(string name, string[] linearPaths, Dictionary<string, string> otherParts)
    {
        Name = name;
        LinearPaths = linearPaths;
        OtherParts = otherParts;
        LayerNames = linearPaths.Select(LastSegment).Distinct().ToArray();
    }

    /// <summary>How messages name the architecture.</summary>
    public string Name { get; }

    /// <summary>Every linear layer's path, <c>#</c> standing for a block index.</summary>
    public IReadOnlyList<string> LinearPaths { get; }

    /// <summary>The last segments of <see cref="LinearPaths"/>: the names PEFT's <c>target_modules</c> lists use.</summary>
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>Named parts that are not linear layers (embeddings, norms, blocks), with what each is.</summary>
    public IReadOnlyDictionary<string, string> OtherParts { get; }

    /// <summary>
    /// False only when <paramref name="pattern"/> certainly selects no linear layer of this architecture (declared at
    /// the root of its store, as <c>Load</c> and <c>Declare()</c> do). A glob is judged by its last segment alone when
    /// that segment holds no wildcard, and otherwise assumed to match.
    /// </summary>
    public bool CanMatch(string pattern)
    {
        if (IsGlob(pattern))
        {
            string tail = LastSegment(pattern);
            return IsGlob(tail) || LayerNames.Contains(tail, StringComparer.Ordinal);
        }
        string[] segments = pattern.Split('.');
        return LinearPaths.Any(path => EndsWith(path.Split('.'), segments));
    }

    /// <summary>The layer name closest to <paramref name="name"/> by edit distance, with the distance.</summary>
    public (string Name, int Distance) Nearest(string name) =>
        LayerNames.Select(n => (Name: n, Distance: EditDistance(name, n))).OrderBy(p => p.Distance).First();

    public static bool IsGlob(string pattern) => pattern.IndexOfAny(['*', '?']) >= 0;

    public static string LastSegment(string pattern) => pattern.Substring(pattern.LastIndexOf('.') + 1);

    /// <summary>Whether the path's last segments are the pattern's, <c>#</c> in the path matching a block index.</summary>
    private static bool EndsWith(string[] path, string[] pattern)
    {
        if (pattern.Length > path.Length)
        {
            return false;
        }
        int offset = path.Length - pattern.Length;
        for (int i = 0; i < pattern.Length; i++)
        {
            string expected = path[offset + i];
            bool same = expected == "#"
                ? pattern[i].Length > 0 && pattern[i].All(c => c >= '0' && c <= '9')
                : expected == pattern[i];
            if (!same)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
