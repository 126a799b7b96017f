using ParameterKit.Cli;
using ParameterKit.CommandLine;

// The whole tool lives in CliApp so tests can run it in-process with their own console; this is only the door.
return await CliApp.RunAsync(args, TerminalConsole.Create(Console.Out, Console.IsOutputRedirected), Console.Error).ConfigureAwait(false);
