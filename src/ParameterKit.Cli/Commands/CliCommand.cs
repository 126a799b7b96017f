using System.Net.Sockets;
using ParameterKit.Cli.Output;
using ParameterKit.CommandLine;
using ParameterKit.Gguf;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Commands;

/// <summary>
/// The base of every command: runs the command's body and turns each kind of failure into one clear line (or a
/// JSON error document) and the right exit code, so no command can leak a stack trace or a wrong code.
/// </summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
internal abstract class CliCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : CommonSettings
{
    /// <summary>Creates the command with its output sinks.</summary>
    protected CliCommand(CliOutput output)
    {
        Output = output;
    }

    /// <summary>Whether the command has <c>--lenient-index</c> (named in the refusal of an inconsistent index).</summary>
    protected virtual bool HasLenientIndexOption => false;

    /// <summary>Where the command writes.</summary>
    protected CliOutput Output { get; }

    /// <summary>The command's work; returns the exit code.</summary>
    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeTensorsFormatException e)
        {
            return Fail(settings, e.Kind.ToString(), RejectionWords.Message(e, HasLenientIndexOption), ExitCodes.Rejected);
        }
        catch (GgufFormatException e)
        {
            return Fail(settings, e.Kind.ToString(), RejectionWords.Message(e), ExitCodes.Rejected);
        }
        catch (CliException e)
        {
            return Fail(settings, e.Kind, e.Message, e.ExitCode);
        }
        catch (FileNotFoundException e)
        {
            return Fail(settings, "NotFound", $"no such file: {e.FileName ?? e.Message}", ExitCodes.Failure);
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(settings, "NotFound", $"no such file or folder: {e.Message}", ExitCodes.Failure);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(settings, "AccessDenied", e.Message, ExitCodes.Failure);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException)
        {
            return Fail(settings, "Unreachable", e.Message, ExitCodes.Failure);
        }
        catch (IOException e)
        {
            return Fail(settings, "IoError", e.Message, ExitCodes.Failure);
        }
        catch (OverflowException)
        {
            return Fail(settings, "InvalidInput", "the sizes overflow 64-bit arithmetic: check the dimensions", ExitCodes.Rejected);
        }
        catch (Exception e) when (e is InvalidShapeException or NotSupportedException)
        {
            // Sizes that do not fit together, or a tensor too large for one view.
            return Fail(settings, "InvalidInput", e.Message, ExitCodes.Rejected);
        }
    }

    private int Fail(TSettings settings, string kind, string message, int exitCode)
    {
        ErrorReport.Write(Output.Error, CliApp.Name, settings.Json, kind, message);
        return exitCode;
    }
}
