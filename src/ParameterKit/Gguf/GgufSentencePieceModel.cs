using System.Text;
using ParameterKit.Tokenization;

namespace ParameterKit.Gguf;

/// <summary>
/// Rebuilds the SentencePiece model (<c>tokenizer.model</c>, a protobuf <c>ModelProto</c>) that llama.cpp's converter
/// took apart into a GGUF's metadata (<c>tokenizer.ggml.model = "llama"</c>: Llama 2, TinyLlama, Mistral): every piece
/// with its score and type (GGUF's token types are SentencePiece's enum), a BPE trainer spec with byte fallback and the
/// file's unknown, beginning- and end-of-sequence ids, and Llama's normalizer (no normalization, a dummy prefix space,
/// spaces written as U+2581). Microsoft.ML.Tokenizers builds its <c>LlamaTokenizer</c> only from those bytes.
/// </summary>
/// <remarks>
/// Only the fields a Llama SentencePiece BPE needs are written, in field-number order as protobuf serializers write
/// them. The test fixture <c>Fixtures/tokenizers/llama2/tokenizer.model</c> was made the same way with the protobuf
/// library (<c>gguf_vocab_to_sentencepiece.py</c>); the tests hold these bytes equal to it.
/// </remarks>
internal static class GgufSentencePieceModel
{
    /// <summary>The pieces' scores.</summary>
    public const string ScoresKey = "tokenizer.ggml.scores";

    /// <summary>The unknown token's id.</summary>
    public const string UnknownIdKey = "tokenizer.ggml.unknown_token_id";

    // ModelProto fields.
    private const int Pieces = 1, TrainerSpec = 2, NormalizerSpec = 3;

    // SentencePiece fields: piece, score, type.
    private const int Piece = 1, Score = 2, Type = 3;

    // TrainerSpec fields and the BPE model type.
    private const int ModelType = 3, VocabSize = 4, ByteFallback = 35, UnkId = 40, BosId = 41, EosId = 42, PadId = 43, Bpe = 2;

    // NormalizerSpec fields.
    private const int Name = 1, AddDummyPrefix = 3, RemoveExtraWhitespaces = 4, EscapeWhitespaces = 5;

    /// <summary>The <c>ModelProto</c> bytes of <paramref name="file"/>'s SentencePiece vocabulary.</summary>
    /// <exception cref="TokenizerFormatException">Scores or types are missing or not one per token, or an id is outside the vocabulary.</exception>
    public static byte[] Build(GgufFile file)
    {
        GgufMetadata m = file.Metadata;
        string[] tokens = m.GetStringArray(GgufTokenizer.TokensKey);
        if (tokens.Length == 0)
        {
            throw new TokenizerFormatException(file.FilePath, GgufTokenizer.TokensKey, "is empty");
        }
        if (!m.ContainsKey(ScoresKey) || m.GetValue(ScoresKey) is not float[] scores || scores.Length != tokens.Length)
        {
            throw new TokenizerFormatException(file.FilePath, ScoresKey, $"must hold one Float32 score per token ({tokens.Length})");
        }
        long[] types = m.ContainsKey(GgufTokenizer.TokenTypesKey) ? m.GetIntegerArray(GgufTokenizer.TokenTypesKey) : [];
        if (types.Length != tokens.Length)
        {
            throw new TokenizerFormatException(file.FilePath, GgufTokenizer.TokenTypesKey, $"must hold one type per token ({tokens.Length}), has {types.Length}");
        }
        int Id(string key, int absent)
        {
            long id = m.ContainsKey(key) ? m.GetInteger(key) : absent;
            return id >= 0 && id < tokens.Length ? (int)id
                : throw new TokenizerFormatException(file.FilePath, key, $"is {id}, outside the vocabulary of {tokens.Length} tokens");
        }
        // llama.cpp's defaults for a SentencePiece vocabulary: <unk> 0, <s> 1, </s> 2.
        int unk = Id(UnknownIdKey, 0), bos = Id(GgufTokenizer.BeginOfSequenceIdKey, 1), eos = Id(GgufTokenizer.EndOfSequenceIdKey, 2);

        using var model = new MemoryStream();
        var piece = new MemoryStream();
        for (int i = 0; i < tokens.Length; i++)
        {
            piece.SetLength(0);
            WriteString(piece, Piece, tokens[i]);
            WriteFloat(piece, Score, scores[i]);
            WriteVarint(piece, Type, (ulong)types[i]);
            WriteMessage(model, Pieces, piece);
        }
        var trainer = new MemoryStream();
        WriteVarint(trainer, ModelType, Bpe);
        WriteVarint(trainer, VocabSize, (ulong)tokens.Length);
        WriteVarint(trainer, ByteFallback, 1);
        WriteVarint(trainer, UnkId, (ulong)unk);
        WriteVarint(trainer, BosId, (ulong)bos);
        WriteVarint(trainer, EosId, (ulong)eos);
        WriteVarint(trainer, PadId, unchecked((ulong)-1L)); // no padding piece; protobuf writes a negative int32 as ten bytes
        WriteMessage(model, TrainerSpec, trainer);
        var normalizer = new MemoryStream();
        WriteString(normalizer, Name, "identity");
        WriteVarint(normalizer, AddDummyPrefix, 1);
        WriteVarint(normalizer, RemoveExtraWhitespaces, 0);
        WriteVarint(normalizer, EscapeWhitespaces, 1);
        WriteMessage(model, NormalizerSpec, normalizer);
        return model.ToArray();
    }

    private static void WriteTag(Stream stream, int field, int wireType) => WriteRawVarint(stream, (ulong)(field << 3 | wireType));

    private static void WriteVarint(Stream stream, int field, ulong value)
    {
        WriteTag(stream, field, 0);
        WriteRawVarint(stream, value);
    }

    private static void WriteFloat(Stream stream, int field, float value)
    {
        WriteTag(stream, field, 5);
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteString(Stream stream, int field, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        WriteTag(stream, field, 2);
        WriteRawVarint(stream, (ulong)utf8.Length);
        stream.Write(utf8);
    }

    private static void WriteMessage(Stream stream, int field, MemoryStream message)
    {
        WriteTag(stream, field, 2);
        WriteRawVarint(stream, (ulong)message.Length);
        message.Position = 0;
        message.CopyTo(stream);
    }

    private static void WriteRawVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
