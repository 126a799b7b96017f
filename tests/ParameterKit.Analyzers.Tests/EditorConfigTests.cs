using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace ParameterKit.Analyzers.Tests;

/// <summary>Every rule is configured through .editorconfig like a compiler diagnostic: off, or stricter.</summary>
public class EditorConfigTests
{
    private const string Allocating = """
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, float[] x)
            {
                while (true)
                {
                    model.Backward(x, {|#0:new float[4]|});
                }
            }
        }
        """;

    private static AnalyzerTest<TAnalyzer> WithEditorConfig<TAnalyzer>(string source, string settings, params DiagnosticResult[] expected)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer>(source, expected);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*]\n" + settings + "\n"));
        return test;
    }

    [Fact]
    public Task An_info_rule_can_be_turned_off() =>
        WithEditorConfig<AllocationInTrainingLoopAnalyzer>(Allocating.Replace("{|#0:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal),
            "dotnet_diagnostic.PK3002.severity = none").RunAsync();

    [Fact]
    public Task An_info_rule_can_be_made_a_warning() =>
        WithEditorConfig<AllocationInTrainingLoopAnalyzer>(Allocating, "dotnet_diagnostic.PK3002.severity = warning",
            Verify<AllocationInTrainingLoopAnalyzer>.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("new float[4]")).RunAsync();
}
