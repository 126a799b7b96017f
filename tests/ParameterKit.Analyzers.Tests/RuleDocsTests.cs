using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Diagnostics;
using ParameterKit.Analyzers;

namespace ParameterKit.Analyzers.Tests;

/// <summary>Every rule has its docs page, the diagnostic's help link points to it, and the index and release file list it.</summary>
public class RuleDocsTests
{
    public static TheoryData<string> Analyzers() => new(typeof(ForeignScopeAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)).Select(t => t.Name));

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

    [Theory]
    [MemberData(nameof(Analyzers))]
    public void Each_rule_links_to_its_page_which_explains_fix_and_suppression(string analyzerName)
    {
        var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(typeof(ForeignScopeAnalyzer).Assembly.GetTypes().Single(t => t.Name == analyzerName))!;
        string root = RepositoryRoot();
        foreach (var rule in analyzer.SupportedDiagnostics)
        {
            Assert.Matches(new Regex("^PK[1-4][0-9]{3}$"), rule.Id);
            Assert.Equal($"https://github.com/parameterkit/parameterkit/blob/main/docs/analyzers/{rule.Id}.md", rule.HelpLinkUri);
            string page = File.ReadAllText(Path.Combine(root, "docs", "analyzers", rule.Id + ".md"));
            Assert.StartsWith($"# {rule.Id}: {rule.Title}", page, StringComparison.Ordinal);
            Assert.Contains($"**Severity:** {rule.DefaultSeverity.ToString().ToLowerInvariant()}", page, StringComparison.Ordinal);
            foreach (string section in new[] { "## What it reports", "## Why", "## How to fix", "## How to suppress" })
            {
                Assert.Contains(section, page, StringComparison.Ordinal);
            }
            Assert.Contains($"[{rule.Id}]({rule.Id}.md)", File.ReadAllText(Path.Combine(root, "docs", "analyzers", "README.md")), StringComparison.Ordinal);
            Assert.Contains($"{rule.Id} | {rule.Category} | {rule.DefaultSeverity} |",
                File.ReadAllText(Path.Combine(root, "src", "ParameterKit.Analyzers", "AnalyzerReleases.Unshipped.md")), StringComparison.Ordinal);
        }
    }
}
