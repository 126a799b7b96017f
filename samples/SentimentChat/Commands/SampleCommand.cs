using ParameterKit.CommandLine;
using SentimentChat.Model;
using SentimentChat.Text;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// The base of every command: runs its body and turns each failure the sample expects into one line on standard
/// error (JSON with <c>--json</c>) and the right exit code. Anything else propagates to
/// <see cref="CommandLineApp"/>, which reports it in one line naming its type, with the details only under
/// <c>--verbose</c>.
/// </summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
internal abstract class SampleCommand<TSettings>(SampleHost host) : AsyncCommand<TSettings>
    where TSettings : SampleSettings
{
    /// <summary>The console, input and training run.</summary>
    protected SampleHost Host { get; } = host;

    /// <summary>The command's work; returns the exit code.</summary>
    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            return Fail(settings, e.Kind, e.Message, e.ExitCode);
        }
        catch (Exception e) when (e is DataFormatException or Chat.ConversationFormatException)
        {
            return Fail(settings, "DataFormat", e.Message, ExitCodes.Rejected);
        }
        catch (ModelFileException e)
        {
            return Fail(settings, "ModelFile", e.Message, ExitCodes.Failure);
        }
        catch (FileNotFoundException e)
        {
            return Fail(settings, "NotFound", e.Message, ExitCodes.Failure);
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(settings, "NotFound", e.Message, ExitCodes.Failure);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(settings, "AccessDenied", e.Message, ExitCodes.Failure);
        }
        catch (IOException e)
        {
            return Fail(settings, "IoError", e.Message, ExitCodes.Failure);
        }
    }

    private int Fail(TSettings settings, string kind, string message, int exitCode)
    {
        ErrorReport.Write(Host.Error, App.Name, settings.JsonErrors, kind, message);
        return exitCode;
    }
}
