using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParameterKit.Tests.Docs;

/// <summary>
/// Every <c>```csharp</c> block in README.md, docs/*.md and the package READMEs (the NuGet pages) compiles, as pasted, into a new console app that
/// references ParameterKit (implicit usings on, as <c>dotnet new console</c> sets them): a snippet with a missing
/// using or an undefined variable fails here, not in a reader's editor.
/// </summary>
/// <remarks>
/// The analyzer pages (docs/analyzers) show fragments (a constructor, a few statements of a training loop): they are
/// compiled in the code each page names, and the rules run on them, by
/// <c>tests/ParameterKit.Analyzers.Tests/RuleDocsCompileTests.cs</c>.
/// </remarks>
public sealed partial class DocsCompileTests
{
    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a console app.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex(@"^```csharp\s*\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

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

    /// <summary>Each block as (file relative to the repository, line of its fence).</summary>
    public static TheoryData<string, int> Blocks()
    {
        string root = RepositoryRoot();
        var data = new TheoryData<string, int>();
        foreach (string file in DocumentedFiles(root))
        {
            string text = File.ReadAllText(Path.Combine(root, file)).ReplaceLineEndings("\n");
            foreach (Match block in CSharpBlock().Matches(text))
            {
                data.Add(file, 1 + text[..block.Index].Count(c => c == '\n'));
            }
        }
        return data;
    }

    private static IEnumerable<string> DocumentedFiles(string root) =>
        new[] { "README.md", "src/ParameterKit/PACKAGE.md", "src/ParameterKit.Cli/PACKAGE.md" }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal));

    [Fact]
    public void The_readme_and_docs_hold_csharp_blocks()
    {
        // Guards the extraction itself: a changed fence style must not turn this into a test of nothing.
        int count = Blocks().Count;
        Assert.True(count >= 3, $"found {count} blocks");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Block_compiles_as_a_console_app(string file, int line)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot(), file)).ReplaceLineEndings("\n");
        Match block = CSharpBlock().Matches(text).Single(m => 1 + text[..m.Index].Count(c => c == '\n') == line);
        string code = block.Groups["code"].Value;

        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(ImplicitUsings), CSharpSyntaxTree.ParseText(code, path: $"{file}:{line}")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        string[] errors = [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
        Assert.True(errors.Length == 0, $"{file} line {line}:\n{string.Join("\n", errors)}\n--- the block ---\n{code}");
    }

    /// <summary>
    /// The framework and every assembly this test runs with (ParameterKit, Microsoft.ML.Tokenizers,
    /// System.Numerics.Tensors): what a console app referencing the ParameterKit package compiles against.
    /// </summary>
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p))]);
}
