// Gpt2Chat: run a GPT-2-family checkpoint folder (config.json + model.safetensors from the Hugging Face Hub).
//   Gpt2Chat <folder> [--prompt TEXT] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
//   Gpt2Chat logits --model <folder> --tokens 1,2,3 [--json]
// Without --prompt it reads prompts line by line from standard input and streams each completion.
return await Gpt2Chat.Gpt2ChatApp.RunAsync(args, Console.In, Console.Out, Console.Error);
