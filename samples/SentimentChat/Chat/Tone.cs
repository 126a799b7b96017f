using SentimentChat.Text;

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

    // Words right before a capitalised word that make it a code being quoted, not a raised voice: "a reference starting
    // MAN", "promo code SPRING", "the letters KLM". Not "says": "it says NOTHING about refunds" shouts.
    private static readonly HashSet<string> CodeLeads = new(StringComparer.OrdinalIgnoreCase)
    {
        "starting", "starts", "beginning", "begins", "prefix", "prefixed", "code", "ref", "reference", "letters",
    };

    /// <summary>Whether the message shouts: one all-caps word of three letters or more that is not an acronym or a
    /// code ("it's STILL broken", not "a reference starting MAN" or "PCN 7731"), or mostly capitals over at least eight
    /// letters ("WHERE IS MY REFUND").</summary>
    public static bool Shouts(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Capitals.Mostly(message))
        {
            return true;
        }
        string previous = "";
        string[] words = message.Split((char[])[' ', ',', '.', '!', '?', ';', ':', '"', '(', ')', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            string bare = word.Trim('\'', '-', '*');
            bool beforeNumber = i + 1 < words.Length && words[i + 1].Any(char.IsAsciiDigit);
            if (bare.Length >= 3 && bare.All(c => char.IsLetter(c) && char.IsUpper(c)) && !Acronyms.Contains(bare) && !QuotesCode(previous, word) && !beforeNumber)
            {
                return true;
            }
            if (!bare.Equals("with", StringComparison.OrdinalIgnoreCase))
            {
                previous = bare;
            }
        }
        return false;
    }

    // The previous word skips "with" ("starting with MAN"); a word in quotes ('MAN') is quoted whatever comes before it.
    private static bool QuotesCode(string previous, string word) =>
        CodeLeads.Contains(previous) || (word.Length > 2 && word[0] is '\'' or '‘' && word[^1] is '\'' or '’');

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
