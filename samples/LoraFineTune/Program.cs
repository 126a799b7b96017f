// Fine-tunes a causal language model (GPT-2 or the Llama family) with LoRA on a text file: the base frozen, rank-r
// adapters trained with AdamW on next-token loss, progress printed each step, the adapter saved as PEFT's files.
// Usage: dotnet run --project samples/LoraFineTune -- --model gpt2 --text notes.txt --rank 8 --alpha 16 --targets c_attn --steps 200 --out my-adapter
return await LoraFineTune.LoraFineTuneApp.RunAsync(args, Console.Out, Console.Error, outputIsTerminal: !Console.IsOutputRedirected);
