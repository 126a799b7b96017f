using System.Text.Json;

namespace ParameterKit.Tests.Training;

/// <summary>
/// Loads the JSON golden files made by Fixtures/torch/make_loss_fixtures.py (PyTorch 1.13; see the script for
/// how each number was produced) and compares against them.
/// </summary>
internal static class TorchFixtures
{
    public static IEnumerable<JsonElement> Cases(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", fileName);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        // Clone so the elements outlive the document.
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static JsonElement Case(string fileName, string name) =>
        Cases(fileName).Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string fileName, string? kind = null)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(fileName))
        {
            if (kind is null || c.GetProperty("kind").GetString() == kind)
            {
                data.Add(c.GetProperty("name").GetString()!);
            }
        }
        return data;
    }

    public static float[] Floats(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static double[] Doubles(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>|actual − expected| ≤ relative·|expected| + absolute, with the index in the failure message.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative = 1e-6, double absolute = 1e-7)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], relative, absolute, $"[{i}]");
        }
    }

    public static void AssertClose(double expected, double actual, double relative = 1e-6, double absolute = 1e-7, string where = "")
    {
        double tolerance = relative * Math.Abs(expected) + absolute;
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{where} expected {expected:R}, got {actual:R} (|difference| {Math.Abs(actual - expected):E2} > tolerance {tolerance:E2})");
    }
}
