using System.Text;
using ParameterKit.Cli.Output;

namespace ParameterKit.Cli.Tests;

public sealed class BidiEscapingStreamTests
{
    [Fact]
    public void BidiControlsAreEscapedWhereverAWriteSplitsThem()
    {
        string text = "\"a\u202Eb\u061Cc\u2066d é ✓\"";
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        for (int split = 0; split <= bytes.Length; split++)
        {
            using var output = new MemoryStream();
            using (var stream = new BidiEscapingStream(output))
            {
                stream.Write(bytes.AsSpan(0, split));
                stream.Write(bytes.AsSpan(split));
            }
            Assert.Equal("\"a\\u202Eb\\u061Cc\\u2066d é ✓\"", Encoding.UTF8.GetString(output.ToArray()));
        }
    }
}
