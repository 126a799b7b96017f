using ParameterKit.CommandLine;
using ParameterKit.Gguf;
using ParameterKit.SafeTensors;

namespace Gpt2Chat;

/// <summary>The failures a command expects, turned into the shared one-line report and exit code.</summary>
internal static class ChatFailures
{
    /// <summary>Runs <paramref name="body"/>; expected failures are reported, the rest go to the shared guard.</summary>
    /// <param name="streams">The sample's streams.</param>
    /// <param name="json">Whether errors are JSON documents.</param>
    /// <param name="body">The command's work.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> ReportAsync(ChatStreams streams, bool json, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(streams, json, "NotFound", e.Message, ExitCodes.Failure);
        }
        catch (SafeTensorsFormatException e)
        {
            return Fail(streams, json, e.Kind.ToString(), e.Message, ExitCodes.Rejected);
        }
        catch (GgufFormatException e)
        {
            return Fail(streams, json, e.Kind.ToString(), e.Message, ExitCodes.Rejected);
        }
        catch (CheckpointLoadException e)
        {
            // config.json and the weights disagree: the message lists every name that does not line up.
            return Fail(streams, json, "CheckpointMismatch", e.Message, ExitCodes.Rejected);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidDataException)
        {
            return Fail(streams, json, "InvalidInput", e.Message, ExitCodes.Rejected);
        }
        catch (IOException e)
        {
            return Fail(streams, json, "IoError", e.Message, ExitCodes.Failure);
        }
        catch (Exception)
        {
            // Unexpected: the shared guard reports it, on a line of its own.
            streams.Output.EndLine();
            throw;
        }
    }

    private static int Fail(ChatStreams streams, bool json, string kind, string message, int code)
    {
        // A completion may have been cut off mid-line: the error starts on a line of its own.
        streams.Output.EndLine();
        ErrorReport.Write(streams.Error, "Gpt2Chat", json, kind, message);
        return code;
    }
}
