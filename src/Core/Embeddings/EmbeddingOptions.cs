using System.ComponentModel.DataAnnotations;

namespace PatternSync.Core.Embeddings;

/// <summary>Section "Embedding": which model turns text into vectors.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>
    /// "MiniLM" (local all-MiniLM-L6-v2, 384 dimensions, no network) or "OpenAI". When empty,
    /// OpenAI is chosen if <see cref="OpenAIOptions.ApiKey"/> is set, MiniLM otherwise.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>Texts per request to the model; larger inputs are split into batches of this size.</summary>
    [Range(1, 2048)]
    public int MaxBatchSize { get; set; } = 64;

    public OpenAIOptions OpenAI { get; set; } = new();

    public bool UsesOpenAI => Provider is null or ""
        ? !string.IsNullOrEmpty(OpenAI.ApiKey)
        : Provider.Equals(EmbeddingProviders.OpenAI, StringComparison.OrdinalIgnoreCase);
}

public sealed class OpenAIOptions
{
    public string? ApiKey { get; set; }
    public string Model { get; set; } = "text-embedding-3-small";
    [Range(1, 8192)]
    public int Dimensions { get; set; } = 1536;
    /// <summary>An OpenAI-compatible endpoint; empty for OpenAI's own.</summary>
    public Uri? Endpoint { get; set; }
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;
    /// <summary>Retries on 429 and 5xx, with exponential backoff that honours Retry-After.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;
    /// <summary>Longer texts are cut to this many tokens (cl100k_base) before they are sent: OpenAI's limit for embeddings.</summary>
    [Range(1, 1_000_000)]
    public int MaxInputTokens { get; set; } = 8191;
}

public static class EmbeddingProviders
{
    public const string MiniLM = "MiniLM";
    public const string OpenAI = "OpenAI";
}
