namespace ParameterKit.SafeTensors;

/// <summary>
/// Checks the <c>\uXXXX</c> escapes of a JSON string without unescaping it. <see cref="System.Text.Json.Utf8JsonReader"/>
/// checks escape syntax as it reads, but finds a lone surrogate (<c>"\ud800"</c>, which serde_json refuses) only
/// when the string is decoded, and decoding allocates the whole string: a hostile header could make every ignored
/// value a long escaped string and have each one copied just to be checked.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>
    /// Whether every surrogate escape in <paramref name="raw"/> (a string token's bytes as written, escapes already
    /// known to be well formed) is a high surrogate followed at once by a low one.
    /// </summary>
    public static bool SurrogatesArePaired(ReadOnlySpan<byte> raw)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                continue;
            }
            if (raw[i + 1] != (byte)'u')
            {
                i++;
                continue;
            }
            int code = Hex4(raw.Slice(i + 2, 4));
            i += 5; // now on the escape's last hex digit
            if (code is >= 0xDC00 and <= 0xDFFF)
            {
                return false;
            }
            if (code is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 6 >= raw.Length || raw[i + 1] != (byte)'\\' || raw[i + 2] != (byte)'u'
                    || Hex4(raw.Slice(i + 3, 4)) is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }
                i += 6;
            }
        }
        return true;
    }

    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte d in digits)
        {
            value = (value << 4) | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
        }
        return value;
    }
}
