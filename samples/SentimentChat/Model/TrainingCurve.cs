using System.Globalization;
using System.Text;

namespace SentimentChat.Model;

/// <summary>Writes the training curve as a small SVG: training loss per step and validation macro-F1 per epoch.</summary>
public static class TrainingCurve
{
    /// <summary>Writes the SVG.</summary>
    /// <param name="path">The .svg file.</param>
    /// <param name="losses">Training loss after each step.</param>
    /// <param name="validationF1">Validation macro-F1 after each epoch.</param>
    public static void Write(string path, IReadOnlyList<float> losses, IReadOnlyList<double> validationF1)
    {
        const int width = 640, height = 320, margin = 40;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{margin}\" y1=\"{height - margin}\" x2=\"{width - margin}\" y2=\"{height - margin}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{margin}\" y1=\"{margin}\" x2=\"{margin}\" y2=\"{height - margin}\" stroke=\"black\"/>\n");
        float maxLoss = losses.Count == 0 ? 1 : Math.Max(losses.Max(), 1e-6f);
        Polyline(svg, losses.Select(l => (double)l / maxLoss).ToList(), "steelblue", width, height, margin);
        Polyline(svg, validationF1, "darkorange", width, height, margin, markers: true);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{margin}\" y=\"{margin - 12}\" fill=\"steelblue\">training loss (max {maxLoss:F3}, scaled to 1)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{margin - 12}\" fill=\"darkorange\">validation macro-F1 per epoch (0..1)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2 - 20}\" y=\"{height - 10}\">progress</text>\n</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }

    private static void Polyline(StringBuilder svg, IReadOnlyList<double> values, string colour, int width, int height, int margin, bool markers = false)
    {
        if (values.Count == 0)
        {
            return;
        }
        var points = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            double x = margin + (values.Count == 1 ? 0.5 : (double)i / (values.Count - 1)) * (width - 2 * margin);
            double y = height - margin - Math.Clamp(values[i], 0, 1) * (height - 2 * margin);
            points.Append(CultureInfo.InvariantCulture, $"{x:F1},{y:F1} ");
            if (markers)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"3\" fill=\"{colour}\"/>\n");
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\n");
    }
}
