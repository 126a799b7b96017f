using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>Header-only reading over HTTP range requests, and counting parameters from headers.</summary>
public sealed class RemoteAndCountingTests
{
    [Fact]
    public async Task Header_over_http_ranges_reads_only_the_header_bytes()
    {
        byte[] file = File.ReadAllBytes(Corpus.PathOf("v_many_tensors.safetensors"));
        using var server = new LoopbackRangeServer(file);
        using var http = new HttpClient();
        var source = new HttpRangeSource(http, server.Uri);

        SafeTensorsHeader remote = await source.ReadHeaderAsync();

        using SafeTensorsFile local = SafeTensorsFile.Open(Corpus.PathOf("v_many_tensors.safetensors"));
        Assert.Equal(local.Tensors.Select(t => t.ToString()), remote.Tensors.Select(t => t.ToString()));
        Assert.Equal((long)remote.DataStart, server.BytesSent);
        Assert.Equal(2, server.Requests);
        Assert.Equal(file.Length, source.Length);
    }

    [Fact]
    public async Task Gpt2_checkpoint_is_counted_from_its_first_bytes()
    {
        (byte[] header, long length) = Gpt2Checkpoint.VirtualCheckpoint(withMaskBuffers: true);
        using var server = new LoopbackRangeServer(offset => offset < header.Length ? header[offset] : (byte)0, length);
        using var http = new HttpClient();

        SafeTensorsHeader remote = await new HttpRangeSource(http, server.Uri).ReadHeaderAsync();
        // The causal masks are buffers by GPT-2's rule, which the model hands to the format layer.
        CheckpointCount count = CheckpointCounter.Count(remote.Tensors, metadata: null, Gpt2HubLayout.IsBuffer);

        Assert.Equal(Gpt2Checkpoint.ExactParameterCount, count.TotalParameters);
        // The same model declared from its configuration (the foundation's exact count) agrees kind by kind.
        ParameterCounts declared = Gpt2Config.Small.Declare().Count();
        Assert.Equal(declared.Total, count.TotalParameters);
        foreach (ParameterKind kind in Enum.GetValues<ParameterKind>())
        {
            Assert.Equal(declared.Of(kind), count.ByKind[kind]);
        }
        Assert.Equal(Gpt2Checkpoint.V * Gpt2Checkpoint.C + Gpt2Checkpoint.T * Gpt2Checkpoint.C, count.ByKind[ParameterKind.Embedding]);
        Assert.Equal((2 * Gpt2Checkpoint.L + 1) * Gpt2Checkpoint.C, count.ByKind[ParameterKind.NormGain]);
        Assert.Equal(4 * Gpt2Checkpoint.ExactParameterCount, count.BytesByDType[DType.F32]);
        Assert.Equal(2 * Gpt2Checkpoint.L, count.Buffers.Count);
        Assert.Equal(Gpt2Checkpoint.L * (1L * Gpt2Checkpoint.T * Gpt2Checkpoint.T + 1), count.BufferElements);
        Assert.True(server.BytesSent < length / 10_000, $"sent {server.BytesSent} of {length} bytes");
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_still_works()
    {
        byte[] file = File.ReadAllBytes(Corpus.PathOf("v_dtype_f32.safetensors"));
        using var server = new LoopbackRangeServer(file, honorRanges: false);
        using var http = new HttpClient();
        SafeTensorsHeader remote = await new HttpRangeSource(http, server.Uri).ReadHeaderAsync();
        Assert.Single(remote.Tensors);
    }

    [Fact]
    public async Task A_rejected_remote_file_fails_like_a_local_one()
    {
        byte[] file = File.ReadAllBytes(Corpus.PathOf("x_header_size_limit_plus_one.safetensors"));
        using var server = new LoopbackRangeServer(file);
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<SafeTensorsFormatException>(async () => await new HttpRangeSource(http, server.Uri).ReadHeaderAsync());
        Assert.Equal(SafeTensorsErrorKind.HeaderTooLarge, e.Kind);
        Assert.Equal(server.Uri.ToString(), e.FilePath);
    }

    [Fact]
    public async Task A_file_shorter_than_8_bytes_is_header_too_small_remotely()
    {
        using var server = new LoopbackRangeServer([1, 2, 3]);
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<SafeTensorsFormatException>(async () => await new HttpRangeSource(http, server.Uri).ReadHeaderAsync());
        Assert.Equal(SafeTensorsErrorKind.HeaderTooSmall, e.Kind);
    }

    [Fact]
    public void Func_source_reads_the_header_only()
    {
        byte[] file = File.ReadAllBytes(Corpus.PathOf("v_all_dtypes.safetensors"));
        var requests = new List<(long, int)>();
        SafeTensorsHeader header = SafeTensorsHeader.Read((offset, length) =>
        {
            requests.Add((offset, length));
            return file.AsSpan((int)offset, length).ToArray();
        }, (ulong)file.Length, "func");
        Assert.Equal(22, header.Tensors.Count);
        Assert.Equal([(0L, 8), (8L, (int)header.HeaderLength)], requests);
    }

    [Fact]
    public void Sharded_checkpoint_is_counted_with_bytes_by_dtype()
    {
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(Corpus.PathOf("sharded_2/model.safetensors.index.json"));
        CheckpointCount count = CheckpointCounter.Count(checkpoint.Tensors);
        Assert.Equal(8 + 4 + 8 + 4, count.TotalParameters);
        Assert.Equal(32, count.BytesByDType[DType.F32]);
        Assert.Equal(16, count.BytesByDType[DType.F16]);
        Assert.Equal(16, count.BytesByDType[DType.BF16]);
        Assert.Empty(count.Buffers);
    }

    [Theory]
    [InlineData("h.0.attn.c_attn.bias", 1, ParameterKind.Bias)]
    [InlineData("h.0.attn.c_attn.weight", 2, ParameterKind.Weight)]
    [InlineData("wte.weight", 2, ParameterKind.Embedding)]
    [InlineData("transformer.wpe.weight", 2, ParameterKind.Embedding)]
    [InlineData("model.embed_tokens.weight", 2, ParameterKind.Embedding)]
    [InlineData("h.11.ln_2.weight", 1, ParameterKind.NormGain)]
    [InlineData("model.layers.0.input_layernorm.weight", 1, ParameterKind.NormGain)]
    [InlineData("model.norm.weight", 1, ParameterKind.NormGain)]
    [InlineData("bert.embeddings.LayerNorm.gamma", 1, ParameterKind.NormGain)]
    [InlineData("bert.embeddings.LayerNorm.beta", 1, ParameterKind.Bias)]
    [InlineData("model.layers.0.self_attn.rotary_emb.inv_freq", 1, null)]
    [InlineData("lm_head.weight", 2, ParameterKind.Weight)]
    [InlineData("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", 2, ParameterKind.Adapter)]
    [InlineData("base_model.model.model.layers.3.self_attn.q_proj.lora_B.weight", 2, ParameterKind.Adapter)]
    [InlineData("base_model.model.transformer.wte.lora_embedding_A", 2, ParameterKind.Adapter)]
    public void Kinds_follow_hugging_face_naming(string name, int rank, ParameterKind? expected)
    {
        Assert.Equal(expected, CheckpointCounter.InferKind(name, rank));
        // GPT-2's buffer rule claims none of these names, so giving it changes nothing.
        Assert.Equal(expected, CheckpointCounter.InferKind(name, rank, Gpt2HubLayout.IsBuffer));
    }

    [Theory]
    [InlineData("h.0.attn.bias", 4, ParameterKind.Bias)]
    [InlineData("transformer.h.11.attn.masked_bias", 0, ParameterKind.Weight)]
    public void Gpt2s_causal_masks_are_buffers_only_by_gpt2s_rule(string name, int rank, ParameterKind generic)
    {
        // The format layer knows no architecture: to it, h.0.attn.bias reads like any bias.
        Assert.Equal(generic, CheckpointCounter.InferKind(name, rank));
        Assert.Null(CheckpointCounter.InferKind(name, rank, Gpt2HubLayout.IsBuffer));
    }

    [Fact]
    public void Without_gpt2s_rule_its_masks_count_as_parameters()
    {
        (byte[] header, long length) = Gpt2Checkpoint.VirtualCheckpoint(withMaskBuffers: true);
        SafeTensorsHeader parsed = SafeTensorsHeader.Parse(header, (ulong)length, "gpt2");
        CheckpointCount generic = CheckpointCounter.Count(parsed.Tensors);
        CheckpointCount gpt2 = CheckpointCounter.Count(parsed.Tensors, metadata: null, Gpt2HubLayout.IsBuffer);
        Assert.Equal(Gpt2Checkpoint.ExactParameterCount, gpt2.TotalParameters);
        Assert.Equal(2 * Gpt2Checkpoint.L, gpt2.Buffers.Count);
        Assert.Equal(Gpt2Checkpoint.ExactParameterCount + Gpt2Checkpoint.L * (1L * Gpt2Checkpoint.T * Gpt2Checkpoint.T + 1), generic.TotalParameters);
        Assert.Empty(generic.Buffers);
    }
}
