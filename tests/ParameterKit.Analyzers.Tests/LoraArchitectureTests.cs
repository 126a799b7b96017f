using System.Text.RegularExpressions;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;

namespace ParameterKit.Analyzers.Tests;

/// <summary>
/// The analyzer's copy of each architecture's layer names (it cannot load the library) is the library's: both models
/// are declared here and their linear layers and other parts compared with <see cref="LoraArchitecture"/>.
/// </summary>
public partial class LoraArchitectureTests
{
    [GeneratedRegex(@"(?<=^|\.)\d+(?=\.|$)")]
    private static partial Regex BlockIndex();

    private static string[] LinearPaths(ParameterStore store) =>
        [.. store.Modules.Where(m => m.TypeName == "Linear").Select(m => BlockIndex().Replace(m.Path, "#")).Distinct().Order(StringComparer.Ordinal)];

    private static HashSet<string> Segments(ParameterStore store) =>
        [.. store.Modules.SelectMany(m => m.Path.Split('.'))];

    public static TheoryData<string> Architectures() => new("gpt2", "llama");

    private static (ParameterStore Store, LoraArchitecture Architecture) Declare(string name) => name switch
    {
        // Untied heads, so lm_head is a layer of its own in both; a tied head is a Linear too.
        "gpt2" => (new Gpt2Config(VocabSize: 11, Positions: 8, Channels: 8, Layers: 2, Heads: 2, TieWordEmbeddings: false).Declare(), LoraArchitecture.Gpt2),
        _ => (new LlamaConfig(VocabSize: 11, Hidden: 8, Intermediate: 16, Layers: 2, Heads: 2, KeyValueHeads: 1).Declare(), LoraArchitecture.Llama),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_analyzers_linear_layers_are_the_declared_models(string name)
    {
        var (store, architecture) = Declare(name);
        Assert.Equal(LinearPaths(store), architecture.LinearPaths.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_parts_it_calls_not_linear_exist_and_are_not_linear(string name)
    {
        var (store, architecture) = Declare(name);
        var linearNames = LinearPaths(store).Select(LoraArchitecture.LastSegment).ToHashSet();
        foreach (string part in architecture.OtherParts.Keys)
        {
            Assert.Contains(part, Segments(store));
            Assert.DoesNotContain(part, linearNames);
        }
    }

    [Theory]
    [InlineData("c_attn", "c_attn", 0)]
    [InlineData("q_poj", "q_proj", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Edit_distance_is_levenshtein(string a, string b, int expected)
    {
        Assert.Equal(expected, LoraArchitecture.EditDistance(a, b));
        Assert.Equal(expected, LoraArchitecture.EditDistance(b, a));
    }
}
