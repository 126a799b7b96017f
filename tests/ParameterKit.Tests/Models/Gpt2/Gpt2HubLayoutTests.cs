using ParameterKit.Models.Gpt2;

namespace ParameterKit.Tests.Models.Gpt2;

/// <summary>GPT-2's Hub naming rules, which live with the model rather than in the safetensors layer.</summary>
public sealed class Gpt2HubLayoutTests
{
    [Theory]
    [InlineData("h.0.attn.bias", true)]
    [InlineData("transformer.h.3.attn.bias", true)]
    [InlineData("h.0.attn.masked_bias", true)]
    [InlineData("h.0.attn.c_attn.bias", false)]
    [InlineData("h.0.attn.c_proj.bias", false)]
    [InlineData("h.0.mlp.c_fc.bias", false)]
    [InlineData("bias", false)]
    [InlineData("h.0.ln_1.bias", false)]
    public void Only_the_causal_masks_are_buffers(string name, bool buffer) => Assert.Equal(buffer, Gpt2HubLayout.IsBuffer(name));

    [Fact]
    public void The_load_options_carry_the_buffer_rule() => Assert.True(Gpt2HubLayout.LoadOptions.IsBuffer!("h.1.attn.bias"));

    [Fact]
    public void Recognizes_gpt2_names_with_or_without_the_prefix()
    {
        Assert.True(Gpt2HubLayout.Recognizes(["wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.0.attn.bias"]));
        Assert.True(Gpt2HubLayout.Recognizes(["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight"]));
        Assert.False(Gpt2HubLayout.Recognizes(["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight"]));
        Assert.False(Gpt2HubLayout.Recognizes(["wte.weight"]));
        Assert.False(Gpt2HubLayout.Recognizes([]));
    }
}
