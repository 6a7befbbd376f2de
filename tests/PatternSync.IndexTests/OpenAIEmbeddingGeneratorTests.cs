using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PatternSync.Core.Embeddings;

namespace PatternSync.IndexTests;

/// <summary>
/// The OpenAI provider against a local fake of the embeddings endpoint: what it sends (texts cut to the input limit),
/// and how it rides out 429 and 500.
/// </summary>
public sealed class OpenAIEmbeddingGeneratorTests : IAsyncLifetime
{
    private readonly FakeOpenAI _fake = new();

    public Task InitializeAsync() => _fake.StartAsync();
    public Task DisposeAsync() => _fake.DisposeAsync().AsTask();

    [Fact]
    public async Task Sends_the_model_inputs_and_key_and_retries_after_429_and_500()
    {
        _fake.Script(HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.OK);
        var generator = OpenAIEmbeddingGeneratorFactory.Create(Options());

        var embeddings = await generator.GenerateAsync(["first text", "second text"]);

        Assert.Equal(3, _fake.Requests.Count);
        var request = _fake.Requests[^1];
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("Bearer test-key", request.Authorization);
        Assert.Equal("text-embedding-3-small", request.Body["model"]!.GetValue<string>());
        Assert.Equal(["first text", "second text"], request.Body["input"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(8, request.Body["dimensions"]!.GetValue<int>());
        Assert.Equal(2, embeddings.Count);
        Assert.Equal([1f, 0, 0, 0, 0, 0, 0, 0], embeddings[0].Vector.ToArray());
        Assert.Equal(2f, embeddings[1].Vector.Span[0]);
        Assert.Equal(new EmbeddingModel("text-embedding-3-small", 8), EmbeddingModel.Of(generator));
    }

    [Fact]
    public async Task Gives_up_after_the_configured_retries()
    {
        _fake.Script(Enumerable.Repeat(HttpStatusCode.InternalServerError, 10).ToArray());
        var generator = OpenAIEmbeddingGeneratorFactory.Create(Options(maxRetries: 1));

        await Assert.ThrowsAnyAsync<Exception>(() => generator.GenerateAsync(["text"]));

        Assert.Equal(2, _fake.Requests.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        _fake.Script(HttpStatusCode.BadRequest, HttpStatusCode.OK);
        var generator = OpenAIEmbeddingGeneratorFactory.Create(Options());

        await Assert.ThrowsAnyAsync<Exception>(() => generator.GenerateAsync(["text"]));

        Assert.Single(_fake.Requests);
    }

    [Fact]
    public async Task A_text_over_the_input_limit_is_cut_to_its_first_tokens_and_a_short_one_is_sent_as_is()
    {
        var options = Options();
        options.MaxInputTokens = 10;
        var generator = OpenAIEmbeddingGeneratorFactory.Create(options);

        await generator.GenerateAsync(["one two three four five six seven eight nine ten eleven twelve", "one two"]);

        Assert.Equal(["one two three four five six seven eight nine ten", "one two"],
            _fake.Requests.Single().Body["input"]!.AsArray().Select(i => i!.GetValue<string>()));
    }

    [Fact]
    public async Task By_default_a_text_is_cut_to_the_8191_tokens_OpenAI_accepts()
    {
        var generator = OpenAIEmbeddingGeneratorFactory.Create(Options());
        var text = "Cache" + string.Concat(Enumerable.Repeat(" warm", 9000)); // one token per word in cl100k_base

        await generator.GenerateAsync([text]);

        var sent = _fake.Requests.Single().Body["input"]!.AsArray().Single()!.GetValue<string>();
        Assert.StartsWith(sent, text);
        Assert.Equal(8191, TruncatingEmbeddingGenerator.Cl100kBase.CountTokens(sent));
    }

    private OpenAIOptions Options(int maxRetries = 4) => new()
    {
        ApiKey = "test-key", Endpoint = new Uri(_fake.Url + "/v1"), Dimensions = 8, MaxRetries = maxRetries, TimeoutSeconds = 10,
    };

    /// <summary>Answers each request with the next scripted status; a 200 carries one embedding per input, [i+1, 0, ...].</summary>
    private sealed class FakeOpenAI : IAsyncDisposable
    {
        private readonly Queue<HttpStatusCode> _script = new();
        private WebApplication? _app;

        public List<(string Path, string? Authorization, JsonObject Body)> Requests { get; } = [];
        public string Url => _app!.Urls.First();

        public void Script(params HttpStatusCode[] statuses)
        {
            foreach (var status in statuses) _script.Enqueue(status);
        }

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/v1/embeddings", async (HttpContext http) =>
            {
                var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
                lock (Requests) Requests.Add((http.Request.Path, http.Request.Headers.Authorization.ToString(), body));
                var status = _script.Count > 0 ? _script.Dequeue() : HttpStatusCode.OK;
                if (status == HttpStatusCode.TooManyRequests) http.Response.Headers.RetryAfter = "0";
                if (status != HttpStatusCode.OK)
                    return Results.Json(new { error = new { message = status.ToString(), type = "test" } }, statusCode: (int)status);
                var inputs = body["input"]!.AsArray();
                var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
                var dimensions = body["dimensions"]?.GetValue<int>() ?? 8;
                var data = inputs.Select((_, i) =>
                {
                    var vector = new float[dimensions];
                    vector[0] = i + 1;
                    object embedding = base64
                        ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()))
                        : vector;
                    return new { @object = "embedding", index = i, embedding };
                });
                return Results.Json(new
                {
                    @object = "list", data, model = body["model"]!.GetValue<string>(), usage = new { prompt_tokens = 3, total_tokens = 3 },
                });
            });
            await _app.StartAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null) await _app.DisposeAsync();
        }
    }
}
