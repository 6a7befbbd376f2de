using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Tokenizers;

namespace PatternSync.Core.Embeddings;

/// <summary>
/// Cuts each text to the model's input limit before it is embedded (OpenAI refuses a longer input, and with it the
/// whole call), and logs each cut: that text's vector then stands for its beginning only.
/// </summary>
public sealed partial class TruncatingEmbeddingGenerator(
    IEmbeddingGenerator<string, Embedding<float>> inner, Tokenizer tokenizer, int maxTokens, ILogger logger)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    /// <summary>The encoding of OpenAI's embedding models (text-embedding-3-small, -3-large, ada-002).</summary>
    public static Tokenizer Cl100kBase => LazyCl100kBase.Value;
    private static readonly Lazy<Tokenizer> LazyCl100kBase = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GenerateAsync(values.Select(Truncate).ToList(), options, cancellationToken);

    private string Truncate(string text)
    {
        if (text.Length <= maxTokens) return text; // a token is at least one character
        var end = tokenizer.GetIndexByTokenCount(text, maxTokens, out var normalized, out _);
        var source = normalized ?? text;
        if (end >= source.Length) return text;
        LogTruncated(text.Length, end, maxTokens);
        return source[..end];
    }

    [LoggerMessage(LogLevel.Warning, "A text of {Length} characters is longer than the model's {MaxTokens} input tokens: "
        + "only its first {Kept} characters are embedded")]
    private partial void LogTruncated(int length, int kept, int maxTokens);
}
