// Gpt2Chat: chat with a checkpoint folder from the Hugging Face Hub (config.json + model.safetensors) through the
// local IChatClient of ParameterKit.Extensions.AI.
//   Gpt2Chat chat --model <folder> [--system TEXT] [--prompt TEXT] [--max-tokens N] [--temperature T] [--top-k K]
//                 [--top-p P] [--repetition-penalty R] [--seed S]
//   Gpt2Chat logits --model <folder> --tokens 1,2,3 [--json]
// Without --prompt, chat reads messages line by line from standard input and streams each reply.
return await Gpt2Chat.Gpt2ChatApp.RunAsync(args, Console.In, Console.Out, Console.Error);
