using System.Reflection;
using ParameterKit.Models.Gpt2;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>The safetensors layer knows no architecture: models bring their naming rules.</summary>
public sealed class FormatLayerTests
{
    [Fact]
    public void No_public_member_of_the_safetensors_layer_names_an_architecture()
    {
        string[] architectures = ["Gpt2", "Gpt3", "Llama", "Mistral", "Qwen", "Conv1D"];
        var offenders = typeof(StoreCheckpoint).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(StoreCheckpoint).Namespace)
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => $"{t.Name}.{m.Name}"))
            .Where(name => architectures.Any(a => name.Contains(a, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Gpt2s_conv1d_rule_is_decided_by_name_because_c_proj_is_square()
    {
        Assert.True(Gpt2HubLayout.IsConv1DWeight("h.3.attn.c_proj.weight"));
        Assert.True(Gpt2HubLayout.IsConv1DWeight("h.0.mlp.c_fc.weight"));
        Assert.False(Gpt2HubLayout.IsConv1DWeight("h.0.mlp.c_fc.bias"));
        Assert.False(Gpt2HubLayout.IsConv1DWeight("lm_head.weight"));
        Assert.Equal("h.0.ln_1.weight", Gpt2HubLayout.LoadOptions.ToStoreName("transformer.h.0.ln_1.weight"));
        Assert.True(Gpt2HubLayout.LoadOptions.Strict);
    }
}
