namespace SentimentChat.Model;

/// <summary>The classifier's hyperparameters; saved in the model file so loading rebuilds the same declarations.</summary>
/// <param name="MaxTokens">T: tokens kept per message.</param>
/// <param name="BigramBuckets">Hashed rows shared by token pairs.</param>
/// <param name="CharGramBuckets">Hashed rows shared by character n-grams.</param>
/// <param name="MaxCharGrams">G: character n-grams kept per message.</param>
/// <param name="Channels">C: embedding width (each of the three bags pools to C values).</param>
/// <param name="Hidden">Width of the hidden layer.</param>
/// <param name="Dropout">Dropout probability on the pooled vector and the hidden layer during training.</param>
public sealed record ModelShape(
    int MaxTokens = 64,
    int BigramBuckets = 65536,
    int CharGramBuckets = 65536,
    int MaxCharGrams = 256,
    int Channels = 32,
    int Hidden = 96,
    float Dropout = 0.5f);
