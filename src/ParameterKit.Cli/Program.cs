using ParameterKit.Cli;
using Spectre.Console;

// The whole tool lives in CliApp so tests can run it in-process with their own console; this is only the door.
return await CliApp.RunAsync(args, AnsiConsole.Console, Console.Error).ConfigureAwait(false);
