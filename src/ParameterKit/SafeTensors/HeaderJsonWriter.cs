using System.Buffers;
using System.Globalization;
using System.Text;
using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Writes header JSON byte for byte as the reference writer (serde_json's compact form) does:
/// <c>__metadata__</c> first, then the tensors in offset order, each as
/// <c>{"dtype":..,"shape":[..],"data_offsets":[b,e]}</c>; non-ASCII raw; <c>"</c>, <c>\</c> and control
/// characters escaped with serde_json's short forms and lowercase <c>\u00xx</c>; space padding to a multiple of 8.
/// </summary>
internal static class HeaderJsonWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A tensor as the header describes it.</summary>
    internal readonly record struct Item(byte[] NameUtf8, DType DType, ulong[] Dimensions, ulong Begin, ulong End);

    /// <summary>Encodes a name strictly: a string with a lone surrogate has no UTF-8 form.</summary>
    internal static byte[] Encode(string text, string what)
    {
        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The {what} '{text}' is not valid Unicode (lone surrogate).", e);
        }
    }

    /// <summary>Returns the padded header text (without the 8-byte length prefix).</summary>
    internal static byte[] Write(IReadOnlyList<KeyValuePair<byte[], byte[]>>? metadata, IReadOnlyList<Item> items)
    {
        var json = new ArrayBufferWriter<byte>(256 + items.Count * 96);
        Put(json, "{"u8);
        bool first = true;
        if (metadata is not null)
        {
            Put(json, "\"__metadata__\":{"u8);
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0)
                {
                    Put(json, ","u8);
                }
                PutString(json, metadata[i].Key);
                Put(json, ":"u8);
                PutString(json, metadata[i].Value);
            }
            Put(json, "}"u8);
            first = false;
        }
        foreach (Item item in items)
        {
            if (!first)
            {
                Put(json, ","u8);
            }
            first = false;
            PutString(json, item.NameUtf8);
            Put(json, ":{\"dtype\":\""u8);
            Put(json, Encoding.ASCII.GetBytes(item.DType.SafeTensorsName()));
            Put(json, "\",\"shape\":["u8);
            for (int d = 0; d < item.Dimensions.Length; d++)
            {
                if (d > 0)
                {
                    Put(json, ","u8);
                }
                PutNumber(json, item.Dimensions[d]);
            }
            Put(json, "],\"data_offsets\":["u8);
            PutNumber(json, item.Begin);
            Put(json, ","u8);
            PutNumber(json, item.End);
            Put(json, "]}"u8);
        }
        Put(json, "}"u8);

        int padded = (json.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void Put(ArrayBufferWriter<byte> json, ReadOnlySpan<byte> bytes) => json.Write(bytes);

    private static void PutNumber(ArrayBufferWriter<byte> json, ulong value) =>
        Put(json, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));

    private static void PutString(ArrayBufferWriter<byte> json, ReadOnlySpan<byte> utf8)
    {
        Put(json, "\""u8);
        foreach (byte b in utf8)
        {
            switch (b)
            {
                case (byte)'"': Put(json, "\\\""u8); break;
                case (byte)'\\': Put(json, "\\\\"u8); break;
                case 0x08: Put(json, "\\b"u8); break;
                case 0x0C: Put(json, "\\f"u8); break;
                case (byte)'\n': Put(json, "\\n"u8); break;
                case (byte)'\r': Put(json, "\\r"u8); break;
                case (byte)'\t': Put(json, "\\t"u8); break;
                case < 0x20:
                    Put(json, "\\u00"u8);
                    Put(json, [(byte)"0123456789abcdef"[b >> 4], (byte)"0123456789abcdef"[b & 0xF]]);
                    break;
                default: Put(json, [b]); break;
            }
        }
        Put(json, "\""u8);
    }
}
