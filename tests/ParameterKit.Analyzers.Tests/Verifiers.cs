using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using ParameterKit.Parameters;

namespace ParameterKit.Analyzers.Tests;

/// <summary>
/// The compilation every snippet is checked in: the net10.0 reference assemblies, the real ParameterKit assembly
/// (so snippets use the real types) and <see cref="Snippets.TinyModel"/>.
/// </summary>
internal static class TestSetup
{
    /// <summary>
    /// The net10.0 reference assemblies of the SDK that runs the tests (dotnet/packs/Microsoft.NETCore.App.Ref, the
    /// version of the running runtime or else the newest there), so the tests need no download.
    /// </summary>
    public static readonly ReferenceAssemblies Net100 = new("net10.0");

    private static readonly ImmutableArray<MetadataReference> ReferencePack = LoadReferencePack();

    /// <summary>The net10.0 reference assemblies, for tests that compile outside the testing framework.</summary>
    public static ImmutableArray<MetadataReference> ReferencePackReferences => ReferencePack;

    private static ImmutableArray<MetadataReference> LoadReferencePack()
    {
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string exact = Path.Combine(packs, Path.GetFileName(runtimeDirectory), "ref", "net10.0");
        string? pack = Directory.Exists(exact)
            ? exact
            : Directory.Exists(packs)
                ? Directory.GetDirectories(packs).Select(d => Path.Combine(d, "ref", "net10.0")).Where(Directory.Exists).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
                : null;
        if (pack is null)
        {
            throw new InvalidOperationException($"No net10.0 reference pack under '{packs}': the analyzer tests compile their snippets against it.");
        }
        return Directory.GetFiles(pack, "*.dll").Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)).ToImmutableArray();
    }

    public static void Configure(SolutionState state)
    {
        state.AdditionalReferences.AddRange(ReferencePack);
        state.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(ParameterStore).Assembly.Location));
        state.Sources.Add(("TinyModel.cs", Snippets.TinyModel));
    }
}

public sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest(string source, params DiagnosticResult[] expected)
    {
        ReferenceAssemblies = TestSetup.Net100;
        TestCode = source;
        TestSetup.Configure(TestState);
        ExpectedDiagnostics.AddRange(expected);
    }
}

public sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest(string source, string fixedSource)
    {
        ReferenceAssemblies = TestSetup.Net100;
        TestCode = source;
        FixedCode = fixedSource;
        // Markup left in the fixed code names diagnostics the fix deliberately leaves (a captured view, say).
        FixedState.MarkupHandling = MarkupMode.Allow;
        TestSetup.Configure(TestState);
        TestSetup.Configure(FixedState);
    }
}

/// <summary>Shorthands: <c>Verify&lt;A&gt;.Analyzer(code)</c>, <c>Verify&lt;A&gt;.Diagnostic().WithLocation(...)</c>.</summary>
public static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic() => new DiagnosticResult(new TAnalyzer().SupportedDiagnostics[0]);

    public static Task Analyzer(string source, params DiagnosticResult[] expected) =>
        new AnalyzerTest<TAnalyzer>(source, expected).RunAsync();

    public static Task CodeFix<TCodeFix>(string source, string fixedSource)
        where TCodeFix : CodeFixProvider, new() =>
        new CodeFixTest<TAnalyzer, TCodeFix>(source, fixedSource).RunAsync();
}
