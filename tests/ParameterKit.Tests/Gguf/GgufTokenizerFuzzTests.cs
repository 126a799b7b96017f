using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// Seeded mutation fuzzing of the tokenizers built from GGUF metadata (<see cref="ModelTokenizer.FromGguf"/>): a byte-level
/// BPE with Llama 3's pre-tokenizer, BOS/EOS and a chat template, and a SentencePiece vocabulary, each mutated with the
/// reader's own mutations (<see cref="GgufFuzzTests.Mutate"/>). Whatever the bytes, building fails only with the reader's
/// <see cref="GgufFormatException"/>, a <see cref="TokenizerFormatException"/> or a <see cref="ChatTemplateException"/>, and
/// a tokenizer that builds encodes and decodes text without throwing. A failure prints the iteration and input.
/// </summary>
public sealed class GgufTokenizerFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        new GgufBuilder()
            .String(GgufTokenizer.ModelKey, "gpt2")
            .String(GgufTokenizer.PreTokenizerKey, "llama-bpe")
            .StringArray(GgufTokenizer.TokensKey, ["h", "i", "hi", "Ġ", "Ġhi", "<|begin_of_text|>", "<|eot_id|>"])
            .Int32Array(GgufTokenizer.TokenTypesKey, [1, 1, 1, 1, 1, 3, 3])
            .StringArray(GgufTokenizer.MergesKey, ["h i", "Ġ hi"])
            .UInt32(GgufTokenizer.BeginOfSequenceIdKey, 5)
            .UInt32(GgufTokenizer.EndOfSequenceIdKey, 6)
            .String(GgufTokenizer.ChatTemplateKey, "{{ bos_token }}{% for m in messages %}{{ m['content'] }}<|eot_id|>{% endfor %}")
            .Build(),
        new GgufBuilder()
            .String(GgufTokenizer.ModelKey, "llama")
            .StringArray(GgufTokenizer.TokensKey, ["<unk>", "<s>", "</s>", "▁", "h", "i", "hi", "▁hi"])
            .Float32Array(GgufSentencePieceModel.ScoresKey, [0f, 0f, 0f, -1f, -2f, -3f, -0.5f, -0.25f])
            .Int32Array(GgufTokenizer.TokenTypesKey, [2, 3, 3, 1, 1, 1, 1, 1])
            .UInt32(GgufSentencePieceModel.UnknownIdKey, 0)
            .UInt32(GgufTokenizer.BeginOfSequenceIdKey, 1)
            .UInt32(GgufTokenizer.EndOfSequenceIdKey, 2)
            .Build(),
    ];

    [Fact]
    public void The_seeds_build_tokenizers_that_encode()
    {
        using var folder = new TempFolder();
        foreach (byte[] seed in Seeds)
        {
            using GgufFile file = GgufFile.Open(RawFile.Write(folder.Path, "seed.gguf", seed));
            ModelTokenizer tokenizer = ModelTokenizer.FromGguf(file);
            Assert.Equal("hi hi", tokenizer.Decode(tokenizer.Encode("hi hi", addSpecialTokens: false)));
        }
    }

    [Fact]
    public void Mutated_tokenizer_metadata_gives_only_typed_errors()
    {
        var random = new Random(20261203);
        using var folder = new TempFolder();
        int built = 0;
        for (int i = 0; i < Mutator.Iterations / 4; i++)
        {
            byte[] input = GgufFuzzTests.Mutate(Seeds[random.Next(Seeds.Length)], random);
            string path = RawFile.Write(folder.Path, "fuzz.gguf", input);
            try
            {
                using GgufFile file = GgufFile.Open(path);
                ModelTokenizer tokenizer = ModelTokenizer.FromGguf(file);
                tokenizer.Decode(tokenizer.Encode("hi there, hi!"));
                built++;
            }
            catch (Exception e) when (e is GgufFormatException or TokenizerFormatException or ChatTemplateException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name} escaped for input {Convert.ToHexString(input)}: {e}");
            }
        }
        Assert.True(built > 0, "no mutated input built a tokenizer: the fuzzing reaches nothing past the header");
    }
}
