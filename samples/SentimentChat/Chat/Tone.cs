namespace SentimentChat.Chat;

/// <summary>
/// Typographic signs of a raised voice: shouting in capitals and runs of "!" or "?". Read by
/// <see cref="EscalationPolicy"/> only after an earlier frustrated turn, since "HI!!" on its own is just enthusiasm.
/// </summary>
public static class Tone
{
    // Capitalised words that are names, not shouting.
    private static readonly HashSet<string> Acronyms = new(StringComparer.Ordinal)
    {
        "ASAP", "HDMI", "WIFI", "USB", "SIM", "PIN", "ATM", "IBAN", "SWIFT", "VAT", "GDPR", "HTTP", "HTTPS", "URL", "PDF",
        "SMS", "OTP", "MFA", "USA", "FAQ", "CEO", "VPN", "DSL", "LTE", "IOS", "APP", "DHL", "UPS", "DPD", "GPS", "CVV",
        "API", "ETA", "NHS", "TSA", "AWS", "SSN", "IMEI", "ISP", "ADSL", "MMS", "EMI", "LCD", "LED", "OLED", "BBB", "FCC",
    };

    /// <summary>Whether the message shouts: one all-caps word of three letters or more that is not an acronym
    /// ("it's STILL broken"), or mostly capitals over at least eight letters ("WHERE IS MY REFUND").</summary>
    public static bool Shouts(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int letters = 0, upper = 0;
        foreach (char c in message)
        {
            if (char.IsLetter(c))
            {
                letters++;
                upper += char.IsUpper(c) ? 1 : 0;
            }
        }
        if (letters >= 8 && upper >= 0.6 * letters)
        {
            return true;
        }
        foreach (string word in message.Split((char[])[' ', ',', '.', '!', '?', ';', ':', '"', '(', ')', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            string bare = word.Trim('\'', '-', '*');
            if (bare.Length >= 3 && bare.All(c => char.IsLetter(c) && char.IsUpper(c)) && !Acronyms.Contains(bare))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the message has a run of two or more "!" or "?" ("hello??", "still broken!!", "why?!").</summary>
    public static bool RepeatedPunctuation(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (int i = 1; i < message.Length; i++)
        {
            if (message[i] is '!' or '?' && message[i - 1] is '!' or '?')
            {
                return true;
            }
        }
        return false;
    }
}
