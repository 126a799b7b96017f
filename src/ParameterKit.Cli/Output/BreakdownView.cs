using ParameterKit.Cli.Inspection;
using ParameterKit.CommandLine;
using ParameterKit.Parameters;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ParameterKit.Cli.Output;

/// <summary>
/// Renders a <see cref="ParameterBreakdown"/> for people: the total, a table and a breakdown chart by kind, and
/// the layer table with repeated blocks folded. <c>inspect</c> and <c>count</c> print it identically.
/// </summary>
internal static class BreakdownView
{
    private static readonly Dictionary<ParameterKind, Color> KindColors = new()
    {
        [ParameterKind.Embedding] = Color.Blue,
        [ParameterKind.Weight] = Color.Green,
        [ParameterKind.Bias] = Color.Yellow,
        [ParameterKind.NormGain] = Color.Fuchsia,
        [ParameterKind.Adapter] = Color.Aqua,
    };

    /// <summary>
    /// A plain-text cell: names like <c>[0, 1]</c> must not be read as markup, and control or bidi characters in
    /// a name or metadata value are shown escaped, not obeyed (<see cref="TerminalText"/>).
    /// </summary>
    public static IRenderable Cell(string text) => new Text(TerminalText.Escape(text));

    /// <summary>A right-aligned plain-text cell for numbers.</summary>
    public static IRenderable Number(string text) => new Text(TerminalText.Escape(text)) { Justification = Justify.Right };

    /// <summary>The chart's width: the terminal's, but no wider than a screen (redirected output has no width).</summary>
    private static int ChartWidth(CliOutput output) => Math.Min(output.Console.Profile.Width, 100);

    /// <summary>Writes the total, the kinds and the layers.</summary>
    public static void Write(CliOutput output, ParameterBreakdown breakdown)
    {
        output.Line($"Total parameters: {Numbers.Count(breakdown.Total)} in {Numbers.Count(breakdown.Tensors)} tensors");
        output.Line();

        var kinds = new Table().Title("By kind").AddColumn("Kind").AddColumn(new TableColumn("Parameters").RightAligned())
            .AddColumn(new TableColumn("Share").RightAligned());
        foreach (ParameterKind kind in breakdown.ShownKinds)
        {
            long n = breakdown.ByKind[kind];
            kinds.AddRow(Cell(ParameterBreakdown.KindName(kind)), Number(Numbers.Count(n)), Number(Numbers.Percent(n, breakdown.Total)));
        }
        output.Write(kinds);
        if (breakdown.Total > 0)
        {
            var chart = new BreakdownChart().Width(ChartWidth(output)).HideTagValues();
            foreach (ParameterKind kind in breakdown.ShownKinds)
            {
                // The chart works in doubles; shares are what it shows, so scale to percentages first.
                chart.AddItem($"{ParameterBreakdown.KindName(kind)} {Numbers.Percent(breakdown.ByKind[kind], breakdown.Total)}",
                    100.0 * breakdown.ByKind[kind] / breakdown.Total, KindColors[kind]);
            }
            output.Write(chart);
        }
        output.Line();

        var layers = new Table().Title("By layer").AddColumn("Layer").AddColumn(new TableColumn("Blocks").RightAligned())
            .AddColumn(new TableColumn("Each").RightAligned()).AddColumn(new TableColumn("Total").RightAligned());
        foreach (LayerRow row in breakdown.Layers.Take(InspectView.MaxRows))
        {
            layers.AddRow(Cell(row.Label), Number(row.First is null ? "" : $"x {row.Repeats}"), Number(Numbers.Count(row.Each)),
                Number(Numbers.Count(row.Total)));
        }
        output.Write(layers);
        InspectView.NoteOmitted(output, breakdown.Layers.Count, "layers");
    }
}
