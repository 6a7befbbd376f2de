using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>The API with PostgreSQL on a port where nothing listens, as while it is down.</summary>
public sealed class DatabaseDownApiFixture : PatternApiFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["ConnectionStrings:Patterns"] = $"Host=127.0.0.1;Port={UnusedPort()};Username=postgres;Database=patternsync;Timeout=2",
    };

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A write while PostgreSQL does not answer is a 503 ProblemDetails the client may retry, not a 500.</summary>
public sealed class DatabaseDownTests(DatabaseDownApiFixture api) : IClassFixture<DatabaseDownApiFixture>
{
    [Fact]
    public async Task A_write_while_PostgreSQL_is_down_gets_503_problem_details()
    {
        var client = api.CreateClient();

        var create = await client.PostAsync("/api/v1/patterns", PatternRequests.Json(PatternBodies.Example()));
        var delete = await client.DeleteAsync($"/api/v1/patterns/{Guid.NewGuid()}");

        foreach (var response in new[] { create, delete })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}

/// <summary>The API with the OpenAI provider on a fake endpoint that fails (500) or answers after the client's timeout.</summary>
public sealed class FailingEmbedderApiFixture : PatternApiFixture
{
    public const string SlowText = "answered too late";
    private readonly WebApplication _fake = StartFake();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Embedding:Provider"] = "OpenAI",
        ["Embedding:OpenAI:ApiKey"] = "test-key",
        ["Embedding:OpenAI:Endpoint"] = _fake.Urls.First() + "/v1",
        ["Embedding:OpenAI:Dimensions"] = "8",
        ["Embedding:OpenAI:MaxRetries"] = "1",
        ["Embedding:OpenAI:TimeoutSeconds"] = "1",
    };

    private static WebApplication StartFake()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.ToJsonString();
            if (!body.Contains(SlowText))
                return Results.Json(new { error = new { message = "overloaded", type = "server_error" } }, statusCode: 500);
            await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
            return Results.StatusCode(500);
        });
        app.StartAsync().GetAwaiter().GetResult(); // the URL is needed before the API is configured
        return app;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _fake.DisposeAsync();
    }
}

/// <summary>A match whose query cannot be embedded (the embedder fails after its retries, or times out) is a 503, not a 500.</summary>
public sealed class FailingEmbedderTests(FailingEmbedderApiFixture api) : IClassFixture<FailingEmbedderApiFixture>
{
    [Theory]
    [InlineData("cache the hottest keys")]
    [InlineData(FailingEmbedderApiFixture.SlowText)]
    public async Task A_match_the_embedder_cannot_answer_gets_503_problem_details(string intent)
    {
        var client = api.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);

        var response = await client.PostAsync("/api/v1/patterns/match", PatternRequests.Json(new JsonObject { ["intent"] = intent }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
