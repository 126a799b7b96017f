namespace SentimentChat.Model;

/// <summary>The classifier's hyperparameters; saved in the model file so loading rebuilds the same declarations.</summary>
/// <param name="MaxTokens">T: tokens kept per message.</param>
/// <param name="BigramBuckets">Hashed rows shared by token pairs.</param>
/// <param name="Channels">C: embedding width.</param>
/// <param name="Hidden">Width of the hidden layer.</param>
/// <param name="Dropout">Dropout probability on the pooled vector and the hidden layer during training.</param>
public sealed record ModelShape(int MaxTokens = 64, int BigramBuckets = 131072, int Channels = 32, int Hidden = 64, float Dropout = 0.5f);
