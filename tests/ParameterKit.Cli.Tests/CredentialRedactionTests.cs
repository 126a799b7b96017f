using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// An address the user types may carry a secret (<c>https://user:secret@host/...</c>, <c>?token=...</c>): whatever
/// happens, the secret never appears in what <c>parameterkit</c> prints, error or success, human or JSON (issue 17).
/// Servers on 127.0.0.1 only.
/// </summary>
public sealed class CredentialRedactionTests
{
    private const string Secret = "s3cr3t-Pa55";

    private static void AssertNoSecret(CliResult result)
    {
        Assert.DoesNotContain(Secret, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_successful_inspect_shows_the_address_without_its_secrets()
    {
        using var server = new LoopbackRangeServer(File.ReadAllBytes(Corpus.PathOf("v_dtype_f32.safetensors")));
        string url = new UriBuilder(server.Uri) { UserName = "user", Password = Secret, Query = "token=" + Secret + "&v=1" }.Uri.ToString();

        CliResult json = CliRunner.Run("inspect", "--json", "--timeout", "5", url);
        CliResult human = CliRunner.Run("inspect", "--timeout", "5", url);

        Assert.True(json.ExitCode == 0, json.Error);
        Assert.True(human.ExitCode == 0, human.Error);
        AssertNoSecret(json);
        AssertNoSecret(human);
        Assert.Contains("://***@127.0.0.1", json.Json().GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Contains("token=***&v=1", json.Json().GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_file_at_an_address_with_credentials_names_it_without_them()
    {
        using var server = new LoopbackRangeServer(File.ReadAllBytes(Corpus.PathOf("x_offset_hole.safetensors")));
        string url = new UriBuilder(server.Uri) { UserName = "user", Password = Secret }.Uri.ToString();

        CliResult json = CliRunner.Run("inspect", "--json", "--timeout", "5", url);
        CliResult human = CliRunner.Run("inspect", "--timeout", "5", url);

        Assert.Equal(2, json.ExitCode);
        Assert.Equal(2, human.ExitCode);
        AssertNoSecret(json);
        AssertNoSecret(human);
        Assert.Contains("***@127.0.0.1", human.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_missing_timed_out_and_redirected_addresses_are_named_without_secrets()
    {
        using var missing = new LoopbackFolderServer(new Dictionary<string, byte[]>());
        using var stalled = new ScriptedHttpServer(async (_, _, stop) => await Task.Delay(Timeout.Infinite, stop));
        using var redirecting = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo($"ftp://admin:{Secret}@127.0.0.1/x?sig={Secret}"));
        string[] urls =
        [
            new UriBuilder(new Uri(missing.BaseUri, "model.safetensors")) { UserName = "user", Password = Secret }.Uri.ToString(),
            new UriBuilder(new Uri(missing.BaseUri, "model.safetensors.index.json")) { UserName = "user", Password = Secret }.Uri.ToString(),
            stalled.At("/model.safetensors", userInfo: $"user:{Secret}@").ToString(),
            redirecting.At("/model.safetensors", userInfo: $"user:{Secret}@").ToString(),
            $"http://user:{Secret}@127.0.0.1:1/model.safetensors",
        ];
        foreach (string url in urls)
        {
            foreach (string[] args in new[] { new[] { "inspect", "--json", "--timeout", "1", url }, ["inspect", "--verbose", "--timeout", "1", url] })
            {
                CliResult result = CliRunner.Run(args);
                Assert.True(result.ExitCode != 0, url);
                AssertNoSecret(result);
                Assert.Contains("***@", result.Error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_remote_index_error_names_the_index_without_secrets()
    {
        var files = new Dictionary<string, byte[]> { ["model.safetensors.index.json"] = "{\"weight_map\":{\"\\ud800\":\"a.safetensors\"}}"u8.ToArray() };
        using var server = new LoopbackFolderServer(files);
        string url = new UriBuilder(new Uri(server.BaseUri, "model.safetensors.index.json")) { UserName = "user", Password = Secret }.Uri.ToString();

        CliResult result = CliRunner.Run("inspect", "--json", "--timeout", "5", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("InvalidIndex", result.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
        AssertNoSecret(result);
    }

    [Fact]
    public void A_local_path_that_looks_like_an_address_is_echoed_without_secrets()
    {
        CliResult result = CliRunner.Run("inspect", $"ftp://user:{Secret}@host/model.safetensors");

        Assert.Equal(1, result.ExitCode);
        AssertNoSecret(result);
    }
}
