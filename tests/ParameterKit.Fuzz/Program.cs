using ParameterKit.Fuzz;
using SharpFuzz;

// fuzz TARGET            run under afl-fuzz (fuzz.sh does this): one input per run on standard input
// replay TARGET FILE...  run the target on files: read, refused with a typed error, or escaped (triage of AFL's crashes)
if (args.Length >= 2 && FuzzTargets.All.TryGetValue(args[1], out Func<byte[], bool>? target))
{
    if (args[0] == "fuzz")
    {
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            _ = target(buffer.ToArray());
        });
        return 0;
    }
    if (args[0] == "replay")
    {
        FuzzTargets.OnRefused = e => Console.WriteLine($"         {e.GetType().Name}: {e.Message}");
        int escaped = 0;
        foreach (string file in args[2..])
        {
            try
            {
                Console.WriteLine(target(File.ReadAllBytes(file)) ? $"read     {file}" : $"refused  {file}");
            }
            catch (Exception e)
            {
                escaped++;
                Console.WriteLine($"ESCAPED  {file}: {e.GetType().FullName}: {e.Message}");
                Console.WriteLine(e.StackTrace);
            }
        }
        return escaped == 0 ? 0 : 1;
    }
}
Console.Error.WriteLine($"usage: ParameterKit.Fuzz fuzz|replay TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
return 2;
