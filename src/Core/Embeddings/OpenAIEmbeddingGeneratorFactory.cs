using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Embeddings;

namespace PatternSync.Core.Embeddings;

/// <summary>
/// OpenAI embeddings through the official client: its retry policy retries 429 and 5xx with
/// exponential backoff (honouring Retry-After), and every attempt is bounded by the timeout.
/// Texts longer than <see cref="OpenAIOptions.MaxInputTokens"/> are cut to it.
/// </summary>
public static class OpenAIEmbeddingGeneratorFactory
{
    public static IEmbeddingGenerator<string, Embedding<float>> Create(OpenAIOptions options, ILogger? logger = null)
    {
        if (string.IsNullOrEmpty(options.ApiKey))
            throw new InvalidOperationException("Embedding:OpenAI:ApiKey is required when the OpenAI provider is selected.");
        var clientOptions = new OpenAIClientOptions
        {
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        };
        if (options.Endpoint is not null) clientOptions.Endpoint = options.Endpoint;
        var client = new EmbeddingClient(options.Model, new ApiKeyCredential(options.ApiKey), clientOptions)
            .AsIEmbeddingGenerator(options.Dimensions);
        return new TruncatingEmbeddingGenerator(client, TruncatingEmbeddingGenerator.Cl100kBase, options.MaxInputTokens,
            logger ?? NullLogger.Instance);
    }
}
