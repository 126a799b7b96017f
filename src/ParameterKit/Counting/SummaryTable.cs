using System.Globalization;
using System.Text;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Counting;

/// <summary>Renders a <see cref="ModelSummary"/> as the text table people know from torchinfo.</summary>
internal static class SummaryTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(ModelSummary summary)
    {
        // The Adapter column appears only with adapters: every other summary keeps the columns it always had.
        bool adapters = summary.Totals.Adapter != 0;
        string[] header = ["Layer (type)", "Param shapes", "Embedding", "Weight", "Bias", "NormGain", .. adapters ? ["Adapter"] : Array.Empty<string>(), "Total"];
        var cells = new List<string[]>();
        foreach (var row in summary.Rows)
        {
            string label = new string(' ', 2 * (row.Depth - 1)) + row.Path.Split('.')[^1]
                + (row.TypeName.Length > 0 ? $" ({row.TypeName})" : string.Empty);
            string tiedNote = TiedNote(summary, row.Path);
            cells.Add(
            [
                label,
                row.OwnShapes.Length > 0 ? row.OwnShapes : tiedNote,
                Number(row.Counts.Embedding), Number(row.Counts.Weight), Number(row.Counts.Bias), Number(row.Counts.NormGain),
                .. adapters ? [Number(row.Counts.Adapter)] : Array.Empty<string>(),
                Number(row.Counts.Total),
            ]);
        }

        var widths = new int[header.Length];
        for (int c = 0; c < header.Length; c++)
        {
            widths[c] = header[c].Length;
            foreach (var line in cells)
            {
                widths[c] = Math.Max(widths[c], line[c].Length);
            }
        }
        int totalWidth = widths.Sum() + 2 * (widths.Length - 1);
        var text = new StringBuilder();
        string rule = new('=', totalWidth);
        text.AppendLine(rule);
        AppendLine(text, header, widths);
        text.AppendLine(rule);
        foreach (var line in cells)
        {
            AppendLine(text, line, widths);
        }
        text.AppendLine(rule);

        var t = summary.Totals;
        text.AppendLine(Invariant, $"Total params: {t.Total:N0}");
        text.AppendLine(Invariant, $"Trainable params: {t.Trainable:N0}");
        text.AppendLine(Invariant, $"Non-trainable params: {t.Frozen:N0}");
        text.Append("By kind:");
        foreach (var kind in new[] { ParameterKind.Embedding, ParameterKind.Weight, ParameterKind.Bias, ParameterKind.NormGain, ParameterKind.Adapter })
        {
            if (kind == ParameterKind.Adapter && t.Adapter == 0)
            {
                continue; // a model without adapters keeps the four-kind line it always had
            }
            long n = t.Of(kind);
            double share = t.Total == 0 ? 0 : 100.0 * n / t.Total;
            text.Append(Invariant, $" {kind} {n:N0} ({share:F2}%);");
        }
        text.Length--;
        text.AppendLine();
        if (t.Frozen != 0)
        {
            AppendTrainableByKind(text, summary);
        }
        text.Append("Size of values:");
        foreach (var dtype in ModelSummary.ReportedDTypes)
        {
            text.Append(Invariant, $" {dtype.SafeTensorsName()} {Bytes(t.BytesAs(dtype))};");
        }
        text.Length--;
        text.AppendLine();
        if (summary.IsMaterialized)
        {
            // What the store holds now, as opposed to what each dtype would need (the line above).
            string detail = summary.Quantization == WeightQuantization.Q8_0
                ? "matrices as Q8_0 (1.0625 bytes per value), vectors as F32" + (summary.MappedBytes > 0
                    ? $", {Bytes(summary.MappedBytes)} of them read in place from the memory-mapped file"
                    : ", quantized on load")
                : summary.WeightType == DType.F32 ? (summary.HoldsGradients ? "F32 values and gradients" : "F32 values")
                : $"matrices as {summary.WeightType.SafeTensorsName()}, " + (summary.MappedBytes > 0
                    ? $"{Bytes(summary.MappedBytes)} of them read in place from the memory-mapped checkpoint"
                    : "converted on load");
            text.AppendLine(Invariant, $"Held now: {Bytes(summary.HeldBytes)} ({detail})");
        }
        foreach (var tied in summary.TiedNames)
        {
            text.AppendLine(Invariant, $"Tied: {tied.Name} shares {tied.Target.Name} (counted once)");
        }
        text.AppendLine(rule);
        return text.ToString();
    }

    /// <summary>
    /// Once anything is frozen, which kinds train and which stay fixed, and PEFT's
    /// <c>print_trainable_parameters()</c> line: what someone fine-tuning with adapters checks first.
    /// </summary>
    private static void AppendTrainableByKind(StringBuilder text, ModelSummary summary)
    {
        text.Append("Trainable / frozen by kind:");
        foreach (var split in summary.TrainableByKind)
        {
            if (split.Kind == ParameterKind.Adapter && split.Total == 0)
            {
                continue;
            }
            text.Append(Invariant, $" {split.Kind} {split.Trainable:N0} / {split.Frozen:N0};");
        }
        text.Length--;
        text.AppendLine();
        text.AppendLine(summary.Totals.ToTrainableLine());
    }

    private static string TiedNote(ModelSummary summary, string path)
    {
        foreach (var tied in summary.TiedNames)
        {
            if (tied.Name.StartsWith(path + ".", StringComparison.Ordinal))
            {
                return $"tied to {tied.Target.Name}";
            }
        }
        return string.Empty;
    }

    private static void AppendLine(StringBuilder text, string[] line, int[] widths)
    {
        for (int c = 0; c < line.Length; c++)
        {
            if (c > 0)
            {
                text.Append("  ");
            }
            // Names and shapes read left to right; numbers line up on the right.
            text.Append(c < 2 ? line[c].PadRight(widths[c]) : line[c].PadLeft(widths[c]));
        }
        text.Length = text.ToString().TrimEnd().Length;
        text.AppendLine();
    }

    private static string Number(long value) => value.ToString("N0", Invariant);

    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(Invariant, $"{value:F2} {units[unit]}");
    }
}
