using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ParameterKit.Tests.Docs;

/// <summary>
/// The NuGet pages of the two packages (the library and the <c>parameterkit</c> tool): a README written for package
/// users whose links resolve from nuget.org (absolute, and pointing at files that exist), an icon, and symbols.
/// Their C# blocks are compiled by <see cref="DocsCompileTests"/>; <c>.ci/pack-consume.sh</c> and
/// <c>.ci/tool-install.sh</c> check the packed nupkg and snupkg themselves.
/// </summary>
public sealed partial class PackagePageTests
{
    public static TheoryData<string> Packages() => new("src/ParameterKit/ParameterKit.csproj", "src/ParameterKit.Cli/ParameterKit.Cli.csproj");

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"https://github\.com/parameterkit/parameterkit/blob/main/(?<path>[^\s)>]+)")]
    private static partial Regex RepositoryFileLink();

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
    [MemberData(nameof(Packages))]
    public void The_package_has_a_readme_an_icon_and_symbols(string project)
    {
        string root = RepositoryRoot();
        XDocument csproj = XDocument.Load(Path.Combine(root, project));
        string? Property(string name) => csproj.Descendants(name).Select(e => e.Value).FirstOrDefault();

        Assert.Equal("PACKAGE.md", Property("PackageReadmeFile"));
        Assert.Equal("icon.png", Property("PackageIcon"));
        Assert.Equal("true", Property("IncludeSymbols"));
        Assert.Equal("snupkg", Property("SymbolPackageFormat"));
        string folder = Path.GetDirectoryName(Path.Combine(root, project))!;
        Assert.True(File.Exists(Path.Combine(folder, "PACKAGE.md")));
        // Packed from assets/ (the Pack item), so the file must exist there.
        Assert.Contains(csproj.Descendants("None"), e => (string?)e.Attribute("Include") == "../../assets/icon.png" && (string?)e.Attribute("Pack") == "true");
        Assert.True(File.Exists(Path.Combine(root, "assets", "icon.png")));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_link_of_the_package_readme_resolves_from_nuget(string project)
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.Combine(root, project))!, "PACKAGE.md"));

        // nuget.org shows the README without the repository around it: a relative link leads nowhere.
        foreach (Match link in MarkdownLink().Matches(readme))
        {
            Assert.StartsWith("https://", link.Groups["target"].Value, StringComparison.Ordinal);
        }
        // Links into the repository name files that exist (a renamed doc must not leave a dead link on the page).
        var files = RepositoryFileLink().Matches(readme).Select(m => m.Groups["path"].Value.TrimEnd('.', ',')).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, path => Assert.True(File.Exists(Path.Combine(root, path)), $"{project}: PACKAGE.md links to {path}, which does not exist"));
    }

    [Fact]
    public void The_repository_url_is_set_explicitly_for_clones_without_a_remote()
    {
        XDocument props = XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        Assert.Equal("https://github.com/parameterkit/parameterkit", props.Descendants("RepositoryUrl").Single().Value);
        Assert.Contains("ContinuousIntegrationBuild", props.ToString(), StringComparison.Ordinal);
    }
}
