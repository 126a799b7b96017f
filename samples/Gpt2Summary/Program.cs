// What even is a parameter? Declares GPT-2 small exactly as Hugging Face names it, counts it without
// allocating a single value, prints the torchinfo-style summary, then materializes a small MLP and runs it.
// Usage: dotnet run --project samples/Gpt2Summary [-- gpt2|gpt2-medium|gpt2-large|gpt2-xl|gpt3-175b|llama-2-7b [depth]]
return await Gpt2Summary.Gpt2SummaryApp.RunAsync(args, Console.Out, Console.Error, outputIsTerminal: !Console.IsOutputRedirected);
