using System.Globalization;
using System.Text.Json;
using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>Accuracy, per-class F1, macro-F1 and the confusion matrix of one model on one data set, as text or JSON.</summary>
/// <param name="Name">Which model (for example <c>classifier</c> or <c>baseline</c>).</param>
/// <param name="Matrix">The confusion matrix (rows actual, columns predicted).</param>
public sealed record EvaluationReport(string Name, ConfusionMatrix Matrix)
{
    /// <summary>A human-readable block.</summary>
    public override string ToString()
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{Name}: accuracy {Matrix.Accuracy:F4}, macro-F1 {Matrix.MacroF1:F4}"),
        };
        for (int c = 0; c < Labels.Names.Count; c++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {Labels.Names[c],-10} precision {Matrix.Precision(c):F4}  recall {Matrix.Recall(c):F4}  F1 {Matrix.F1(c):F4}  support {Matrix.Support(c)}"));
        }
        lines.Add("  confusion matrix (rows: actual, columns: predicted " + string.Join(" / ", Labels.Names) + "):");
        for (int a = 0; a < Labels.Names.Count; a++)
        {
            lines.Add($"  {Labels.Names[a],-10} " + string.Join(" ", Enumerable.Range(0, Labels.Names.Count).Select(p => Matrix[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(6))));
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Writes <c>{"accuracy", "macro_f1", "per_class": {label: {precision, recall, f1, support}}, "confusion_matrix"}</c>.</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        WriteFields(json);
        json.WriteEndObject();
    }

    /// <summary>Writes the report's fields into an object the caller has opened (so commands can add fields beside them).</summary>
    public void WriteFields(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteNumber("accuracy", Matrix.Accuracy);
        json.WriteNumber("macro_f1", Matrix.MacroF1);
        json.WriteStartObject("per_class");
        for (int c = 0; c < Labels.Names.Count; c++)
        {
            json.WriteStartObject(Labels.Names[c]);
            json.WriteNumber("precision", Matrix.Precision(c));
            json.WriteNumber("recall", Matrix.Recall(c));
            json.WriteNumber("f1", Matrix.F1(c));
            json.WriteNumber("support", Matrix.Support(c));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteStartArray("confusion_matrix");
        for (int a = 0; a < Labels.Names.Count; a++)
        {
            json.WriteStartArray();
            for (int p = 0; p < Labels.Names.Count; p++)
            {
                json.WriteNumberValue(Matrix[a, p]);
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }
}
