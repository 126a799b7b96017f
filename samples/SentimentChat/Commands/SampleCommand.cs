using SentimentChat.Model;
using SentimentChat.Text;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// The base of every command: runs its body and turns each kind of failure into one line on standard error (JSON
/// with <c>--json</c>) and the right exit code, so no command can print a stack trace unless <c>--verbose</c> asks.
/// </summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
public abstract class SampleCommand<TSettings>(SampleHost host) : AsyncCommand<TSettings>
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
            return Fail(settings, e.Kind, e.Message, e.ExitCode, e);
        }
        catch (Exception e) when (e is DataFormatException or Chat.ConversationFormatException)
        {
            return Fail(settings, "DataFormat", e.Message, ExitCodes.Rejected, e);
        }
        catch (ModelFileException e)
        {
            return Fail(settings, "ModelFile", e.Message, ExitCodes.Failure, e);
        }
        catch (FileNotFoundException e)
        {
            return Fail(settings, "NotFound", e.Message, ExitCodes.Failure, e);
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(settings, "NotFound", e.Message, ExitCodes.Failure, e);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(settings, "AccessDenied", e.Message, ExitCodes.Failure, e);
        }
        catch (IOException e)
        {
            return Fail(settings, "IoError", e.Message, ExitCodes.Failure, e);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(settings, "Cancelled", "cancelled", ExitCodes.Failure, e);
        }
        catch (Exception e)
        {
            // A bug or a failure nobody anticipated: still one line, naming the exception type; --verbose shows all.
            string hint = settings.Verbose ? string.Empty : " (run with --verbose for details)";
            return Fail(settings, e.GetType().Name, $"unexpected {e.GetType().Name}: {e.Message}{hint}", ExitCodes.Failure, e);
        }
    }

    private int Fail(TSettings settings, string kind, string message, int exitCode, Exception exception)
    {
        ErrorOutput.Write(Host.Error, kind, message, settings.JsonErrors, exception, settings.Verbose);
        return exitCode;
    }
}
