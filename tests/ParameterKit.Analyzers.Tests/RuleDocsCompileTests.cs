using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParameterKit.Parameters;

namespace ParameterKit.Analyzers.Tests;

/// <summary>
/// Every <c>```csharp</c> block of docs/analyzers compiles against the real ParameterKit assembly, and the rules
/// report exactly the lines the page marks: a line whose comment names a rule (<c>// PK1003</c>) must get that
/// diagnostic, and no other line may get any. So the page's "this is flagged" and "this is fine" are both checked.
/// </summary>
/// <remarks>
/// The pages show fragments: a constructor, a few statements of a training loop. The line
/// <c>&lt;!-- compiled as: CONTEXT --&gt;</c> before a block (invisible on GitHub and NuGet) names the code it is
/// pasted into, one of <see cref="Contexts"/>. README.md and docs/*.md are compiled as whole programs by
/// <c>tests/ParameterKit.Tests/Docs/DocsCompileTests.cs</c>.
/// </remarks>
public sealed partial class RuleDocsCompileTests
{
    private const string Marker = "/*BLOCK*/";

    /// <summary>The code a fragment is pasted into, by name: the names and types the pages' fragments use.</summary>
    private static readonly Dictionary<string, string> Contexts = new(StringComparer.Ordinal)
    {
        // Members of a module: constructors, fields, properties.
        ["module members"] = $$"""
            public sealed class Block : Module
            {
            {{Marker}}
            }
            """,
        // Statements in a module's constructor, where the module's own Scope is in reach.
        ["module constructor"] = $$"""
            public sealed class Block : Module
            {
                public Block(ParameterScope scope) : base(scope)
                {
            {{Marker}}
                }
            }
            """,
        // Statements of a training program: a model with a backward pass, its store, an optimizer and a schedule.
        ["training statements"] = $$"""
            public static class Program
            {
                public static void Train(TinyModel model, ParameterStore store, Optimizer optimizer, LearningRateSchedule schedule,
                    float[] x, float[] dy, int step, int n, int accumulate)
                {
            {{Marker}}
                }
            }
            """,
        // Statements of a fine-tuning program: a checkpoint folder, a store of unknown contents, LoRA options.
        ["fine-tuning statements"] = $$"""
            public static class Program
            {
                public static void FineTune(string folder, ParameterStore store, LoraOptions options)
                {
            {{Marker}}
                }
            }
            """,
        // The body of a method that reads one tensor of a checkpoint and returns its bytes.
        ["method returning byte[]"] = $$"""
            public static class Program
            {
                public static byte[] Read(string path)
                {
            {{Marker}}
                }
            }
            """,
    };

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Models.Llama;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;
        using ParameterKit.SafeTensors;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;
        using Snippets;

        """;

    [GeneratedRegex(@"(?:<!-- compiled as: (?<context>[^>]+?) -->\n(?:\n)?)?^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"//.*?\b(?<id>PK\d{4})\b")]
    private static partial Regex MarkedRule();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ParameterKit.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The tests run inside the repository: no ParameterKit.sln above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(string Page, int Line, Match Block)> AllBlocks()
    {
        string folder = Path.Combine(RepositoryRoot(), "docs", "analyzers");
        foreach (string file in Directory.GetFiles(folder, "*.md").Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(file).ReplaceLineEndings("\n");
            foreach (Match block in CSharpBlock().Matches(text))
            {
                int fence = block.Groups["code"].Index - "```csharp\n".Length;
                yield return ($"docs/analyzers/{Path.GetFileName(file)}", 1 + text[..fence].Count(c => c == '\n'), block);
            }
        }
    }

    /// <summary>Each block as (page, line of its fence).</summary>
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var (page, line, _) in AllBlocks())
        {
            data.Add(page, line);
        }
        return data;
    }

    [Fact]
    public void The_rule_pages_hold_csharp_blocks_and_some_are_marked()
    {
        // Guards the extraction: a changed fence or comment style must not turn these into tests of nothing.
        var blocks = AllBlocks().ToList();
        Assert.True(blocks.Count >= 9, $"found {blocks.Count} blocks");
        Assert.True(blocks.Count(b => MarkedRule().IsMatch(b.Block.Groups["code"].Value)) >= 3); // PK1001, PK1003, PK3001
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task Block_compiles_and_the_rules_report_exactly_its_marked_lines(string page, int line)
    {
        Match block = AllBlocks().Single(b => b.Page == page && b.Line == line).Block;
        string context = block.Groups["context"].Value;
        Assert.True(Contexts.ContainsKey(context),
            $"{page} line {line}: put <!-- compiled as: CONTEXT --> before the block, CONTEXT one of: {string.Join(", ", Contexts.Keys)} (found '{context}')");
        string code = block.Groups["code"].Value;

        string before = Usings + Contexts[context][..Contexts[context].IndexOf(Marker, StringComparison.Ordinal)];
        string source = Usings + Contexts[context].Replace(Marker, code.TrimEnd('\n'), StringComparison.Ordinal);
        int firstLine = before.Count(c => c == '\n'); // 0-based line of the block's first line in the source
        string[] codeLines = code.TrimEnd('\n').Split('\n');

        var compilation = CSharpCompilation.Create(
            "RuleDoc",
            [CSharpSyntaxTree.ParseText(source, path: page), CSharpSyntaxTree.ParseText(Snippets.TinyModel)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        string[] errors = [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
        Assert.True(errors.Length == 0, $"{page} line {line} does not compile:\n{string.Join("\n", errors)}\n--- as compiled ---\n{source}");

        ImmutableArray<Diagnostic> reported = await compilation.WithAnalyzers(Analyzers.Value).GetAnalyzerDiagnosticsAsync();
        var actual = reported
            .Where(d => d.Id.StartsWith("PK", StringComparison.Ordinal))
            .Select(d => (Line: d.Location.GetLineSpan().StartLinePosition.Line - firstLine, d.Id))
            .Distinct()
            .Order()
            .ToList();
        var expected = codeLines
            .SelectMany((text, index) => MarkedRule().Matches(text).Select(m => (Line: index, Id: m.Groups["id"].Value)))
            .Distinct()
            .Order()
            .ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{page} line {line}: the page marks {Show(expected, codeLines)} but the rules report {Show(actual, codeLines)}");
    }

    private static string Show(List<(int Line, string Id)> diagnostics, string[] codeLines) =>
        diagnostics.Count == 0
            ? "nothing"
            : string.Join("; ", diagnostics.Select(d => $"{d.Id} on \"{(d.Line >= 0 && d.Line < codeLines.Length ? codeLines[d.Line].Trim() : $"line {d.Line} outside the block")}\""));

    /// <summary>Every rule the package ships.</summary>
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> Analyzers = new(() =>
        [.. typeof(ForeignScopeAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)]);

    /// <summary>The net10.0 reference pack and the real ParameterKit assembly, as for every analyzer test.</summary>
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    [
        .. TestSetup.ReferencePackReferences,
        MetadataReference.CreateFromFile(typeof(ParameterStore).Assembly.Location),
    ]);
}
