using System.Text;
using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;
using ParameterKit.Tests.Tokenization;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// A SentencePiece vocabulary as llama.cpp's converter writes it into GGUF (<c>tokenizer.ggml.model = "llama"</c>:
/// pieces, scores, types, unknown / BOS / EOS ids): <see cref="ModelTokenizer.FromGguf"/> rebuilds the
/// <c>tokenizer.model</c> byte for byte as the protobuf library wrote the Llama 2 fixture from llama.cpp's own vocabulary
/// file (<c>gguf_vocab_to_sentencepiece.py</c>), and encodes llama.cpp's test strings to Hugging Face's ids. The GGUF is
/// written here from that fixture's pieces, read with the few lines of protobuf below.
/// </summary>
public sealed class GgufSentencePieceTests : IDisposable
{
    private static readonly Lazy<Vocabulary> Llama2 = new(() => Vocabulary.Read(Path.Combine(ModelTokenizerReferenceTests.Folder("llama2"), "tokenizer.model")));
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(Func<GgufBuilder, GgufBuilder>? extra = null, IReadOnlyList<float>? scores = null, uint unknownId = 0)
    {
        Vocabulary v = Llama2.Value;
        GgufBuilder builder = new GgufBuilder()
            .String("general.architecture", "llama")
            .String(GgufTokenizer.ModelKey, "llama")
            .StringArray(GgufTokenizer.TokensKey, v.Pieces)
            .Float32Array(GgufSentencePieceModel.ScoresKey, scores ?? v.Scores)
            .Int32Array(GgufTokenizer.TokenTypesKey, v.Types)
            .UInt32(GgufSentencePieceModel.UnknownIdKey, unknownId)
            .UInt32(GgufTokenizer.BeginOfSequenceIdKey, 1)
            .UInt32(GgufTokenizer.EndOfSequenceIdKey, 2);
        return RawFile.Write(_folder.Path, "llama2.gguf", (extra ?? (b => b))(builder).Build());
    }

    [Fact]
    public void The_rebuilt_model_is_the_fixture_byte_for_byte()
    {
        using GgufFile file = GgufFile.Open(Write());

        byte[] rebuilt = GgufSentencePieceModel.Build(file);

        Assert.Equal(File.ReadAllBytes(Path.Combine(ModelTokenizerReferenceTests.Folder("llama2"), "tokenizer.model")), rebuilt);
    }

    [Fact]
    public void Encodes_llama_cpps_test_strings_to_hugging_faces_ids()
    {
        using GgufFile file = GgufFile.Open(Write());
        ModelTokenizer tokenizer = ModelTokenizer.FromGguf(file);
        ModelTokenizer folder = ModelTokenizer.FromFolder(ModelTokenizerReferenceTests.Folder("llama2"));

        // The same tokenizer as the folder's: its ids equal Hugging Face's except the two strings the library is known to
        // segment differently (ModelTokenizerReferenceTests.KnownLibraryDeviations), where they equal the folder's.
        var tests = ModelTokenizerReferenceTests.ReadTests("llama2");
        int matching = 0;
        foreach ((string text, int[] expected) in tests)
        {
            IReadOnlyList<int> ids = tokenizer.Encode(text, addSpecialTokens: false);
            Assert.Equal(folder.Encode(text, addSpecialTokens: false), ids);
            matching += ids.SequenceEqual(expected) ? 1 : 0;
        }
        Assert.Equal(tests.Count - 2, matching);
        Assert.True(tokenizer.AddsBeginOfSequence);
        Assert.Equal("<s>", tokenizer.BeginOfSequenceToken);
        Assert.Equal(1, tokenizer.Encode("Hello")[0]);
        Assert.Equal([2], tokenizer.EndOfSequenceIds);
    }

    [Fact]
    public void Add_bos_token_false_is_kept()
    {
        using GgufFile file = GgufFile.Open(Write(b => b.KeyValue(GgufTokenizer.AddBeginOfSequenceKey, 7, [0])));

        Assert.False(ModelTokenizer.FromGguf(file).AddsBeginOfSequence);
    }

    [Fact]
    public void Scores_not_one_per_token_are_refused_by_key()
    {
        using GgufFile file = GgufFile.Open(Write(scores: [0f, 1f]));

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromGguf(file));

        Assert.Equal(GgufSentencePieceModel.ScoresKey, e.Setting);
    }

    [Fact]
    public void An_unknown_token_id_outside_the_vocabulary_is_refused_by_key()
    {
        using GgufFile file = GgufFile.Open(Write(unknownId: 40_000));

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromGguf(file));

        Assert.Equal(GgufSentencePieceModel.UnknownIdKey, e.Setting);
    }

    /// <summary>A SentencePiece <c>ModelProto</c>'s pieces: field 1, each a message of piece (1), score (2) and type (3).</summary>
    private sealed record Vocabulary(string[] Pieces, float[] Scores, int[] Types)
    {
        public static Vocabulary Read(string path)
        {
            byte[] model = File.ReadAllBytes(path);
            List<string> pieces = [];
            List<float> scores = [];
            List<int> types = [];
            int position = 0;
            while (position < model.Length)
            {
                (int field, int wire) = Tag(model, ref position);
                if (field == 1 && wire == 2)
                {
                    int end = checked((int)Varint(model, ref position)) + position;
                    string piece = "";
                    float score = 0;
                    int type = 1;
                    while (position < end)
                    {
                        (int f, int w) = Tag(model, ref position);
                        switch (f, w)
                        {
                            case (1, 2):
                                int length = (int)Varint(model, ref position);
                                piece = Encoding.UTF8.GetString(model, position, length);
                                position += length;
                                break;
                            case (2, 5):
                                score = BitConverter.ToSingle(model, position);
                                position += 4;
                                break;
                            case (3, 0):
                                type = (int)Varint(model, ref position);
                                break;
                            default:
                                throw new InvalidDataException($"unexpected piece field {f} (wire type {w})");
                        }
                    }
                    pieces.Add(piece);
                    scores.Add(score);
                    types.Add(type);
                }
                else if (wire == 2)
                {
                    int length = (int)Varint(model, ref position); // trainer and normalizer specs: rebuilt from the GGUF's keys
                    position += length;
                }
                else
                {
                    throw new InvalidDataException($"unexpected model field {field} (wire type {wire})");
                }
            }
            return new Vocabulary([.. pieces], [.. scores], [.. types]);
        }

        private static (int Field, int Wire) Tag(byte[] bytes, ref int position)
        {
            ulong tag = Varint(bytes, ref position);
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        private static ulong Varint(byte[] bytes, ref int position)
        {
            ulong value = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = bytes[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
