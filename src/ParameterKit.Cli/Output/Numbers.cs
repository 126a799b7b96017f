using System.Globalization;

namespace ParameterKit.Cli.Output;

/// <summary>
/// How numbers read in human output: counts with thousands separators (7,087,872), bytes in decimal units as
/// the library's summary prints them (497.76 MB), and large quantities such as FLOPs in scientific notation
/// (3.14e23). Always the invariant culture, so output is the same on every machine and in every test.
/// </summary>
internal static class Numbers
{
    private static readonly string[] ByteUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>A count with thousands separators: <c>124,439,808</c>.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A byte size in decimal units with two decimals: <c>497.76 MB</c>.</summary>
    public static string Bytes(double bytes)
    {
        int unit = 0;
        while (Math.Abs(bytes) >= 1000 && unit < ByteUnits.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }
        return unit == 0
            ? bytes.ToString("0", CultureInfo.InvariantCulture) + " B"
            : bytes.ToString("0.00", CultureInfo.InvariantCulture) + " " + ByteUnits[unit];
    }

    /// <summary>Three significant digits in scientific notation: <c>3.14e23</c>.</summary>
    public static string Scientific(double value) => value.ToString("0.00e0", CultureInfo.InvariantCulture);

    /// <summary>Three significant digits, as short as possible: <c>0.208</c>, <c>1.5e-07</c>, <c>12.3</c>.</summary>
    public static string Short(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>A plain decimal with up to <paramref name="decimals"/> digits after the point.</summary>
    public static string Decimal(double value, int decimals = 2) =>
        value.ToString("#,0." + new string('#', decimals), CultureInfo.InvariantCulture);

    /// <summary>
    /// A quantity whose size is not known in advance (hours of training for a 1,000-parameter model or for GPT-3):
    /// whole above 1,000 (<c>699,536</c>), one decimal from 1 (<c>357.4</c>), three significant digits from 0.01
    /// (<c>0.0512</c>), scientific below (<c>1.50e-7</c>): never a bare 0 for a value that is not zero.
    /// </summary>
    public static string Readable(double value)
    {
        double size = Math.Abs(value);
        return size switch
        {
            0 => "0",
            >= 1000 => Decimal(value, 0),
            >= 1 => Decimal(value, 1),
            >= 0.01 => Short(value),
            _ => Scientific(value),
        };
    }

    /// <summary>
    /// A quantity in the largest of <paramref name="units"/> (each 1,000 times the one before) that keeps it at least 1:
    /// <c>307.8 MWh</c> for a large model's training, <c>12.4 Wh</c> for a small one's, where a fixed unit printed 0.
    /// </summary>
    /// <param name="value">The quantity in <c>units[0]</c>.</param>
    /// <param name="units">The unit names, smallest first.</param>
    public static string Metric(double value, IReadOnlyList<string> units)
    {
        int unit = 0;
        while (Math.Abs(value) >= 1000 && unit < units.Count - 1)
        {
            value /= 1000;
            unit++;
        }
        return Readable(value) + " " + units[unit];
    }

    /// <summary>A share of a total as a percentage with two decimals: <c>31.65%</c>.</summary>
    public static string Percent(long part, long total) =>
        total == 0 ? "0.00%" : (100.0 * part / total).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    /// <summary>A duration in the largest unit that keeps it readable: seconds, hours, days or years.</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 120 => Decimal(seconds, 1) + " s",
        < 2 * 3600 => Decimal(seconds / 60, 1) + " min",
        < 2 * 86400 => Decimal(seconds / 3600, 1) + " h",
        < 2 * 365.25 * 86400 => Decimal(seconds / 86400, 1) + " days",
        _ => Decimal(seconds / (365.25 * 86400), 1) + " years",
    };

    /// <summary>
    /// Parses a count the way people say them: <c>174604259328</c>, <c>1.75e11</c>, <c>175B</c>, <c>7b</c>,
    /// <c>125M</c>, <c>1.5T</c>, <c>300_000_000_000</c>. Suffixes are k, M, B (or G) and T, case-insensitive.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The parsed value.</param>
    /// <returns>Whether the text is a finite, non-negative number.</returns>
    public static bool TryParseQuantity(string? text, out double value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        string s = text.Trim().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        double scale = char.ToUpperInvariant(s[^1]) switch
        {
            'K' => 1e3,
            'M' => 1e6,
            'B' or 'G' => 1e9,
            'T' => 1e12,
            _ => 1,
        };
        if (scale != 1)
        {
            s = s[..^1];
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) || !double.IsFinite(parsed) || parsed < 0)
        {
            return false;
        }
        value = parsed * scale;
        return true;
    }
}
