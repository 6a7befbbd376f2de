using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.PatternApi.Security;
using Serilog.Core;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class SecuredApiFixture : PatternApiFixture
{
    protected override bool RequireApiKeys => true;

    /// <summary>Every log line of this API, at every level, with its properties.</summary>
    public CapturedLogs Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Serilog:MinimumLevel:Default"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Verbose",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }
}

/// <summary>Low read and wrong-key limits, to reach them in a few requests.</summary>
public sealed class ThrottledApiFixture : PatternApiFixture
{
    protected override bool RequireApiKeys => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits:ReadsPerSecond"] = "1",
        ["RateLimits:ReadBurst"] = "3",
        ["RateLimits:FailedAuthenticationsPerMinute"] = "3",
    };
}

/// <summary>Reads are metered per key like writes; wrong keys are metered per client address.</summary>
public sealed class AbuseLimitTests(ThrottledApiFixture api) : IClassFixture<ThrottledApiFixture>
{
    [Theory]
    [InlineData("GET", "/api/v1/patterns", Scopes.PatternsRead)]
    [InlineData("POST", "/api/v1/patterns/match", Scopes.PatternsRead)]
    [InlineData("GET", "/api/v1/sync/status", Scopes.OpsAdmin)]
    public async Task Reads_beyond_the_rate_get_429_with_Retry_After(string method, string path, string scope)
    {
        var client = api.CreateClient();
        var key = await AccessControlTests.CreateKeyAsync(api, scope);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
            responses.Add(await AccessControlTests.SendAsync(client, method, path, key, """{"intent":"cache reads"}"""));

        // A burst of 3, then 1 a second: a slow machine may earn one more token between the requests, not three.
        Assert.All(responses.Take(3), r => Assert.NotEqual(HttpStatusCode.TooManyRequests, r.StatusCode));
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Too many reads", (await limited.ReadJsonAsync())["title"]!.GetValue<string>());
        // Another key has its own bucket.
        var otherKey = await AccessControlTests.CreateKeyAsync(api, scope);
        Assert.NotEqual(HttpStatusCode.TooManyRequests,
            (await AccessControlTests.SendAsync(client, method, path, otherKey, """{"intent":"cache reads"}""")).StatusCode);
    }

    [Fact]
    public async Task Repeated_wrong_keys_from_one_address_get_429_even_for_a_right_key_from_there()
    {
        var guesser = IPAddress.Parse($"203.0.113.{Random.Shared.Next(1, 255)}");
        var key = await AccessControlTests.CreateKeyAsync(api, Scopes.PatternsRead);

        for (var i = 0; i < 3; i++) Assert.Equal(401, (await GetAsync(guesser, key[..^2] + "xx")).Response.StatusCode);
        var limited = await GetAsync(guesser, key[..^2] + "yy");
        Assert.Equal(429, limited.Response.StatusCode);
        Assert.True(int.Parse(limited.Response.Headers.RetryAfter!) >= 1);
        Assert.Equal("application/problem+json", limited.Response.ContentType?.Split(';')[0]);
        Assert.Equal(429, (await GetAsync(guesser, key)).Response.StatusCode);
        Assert.Equal(200, (await GetAsync(IPAddress.Parse("198.51.100.7"), key)).Response.StatusCode);
    }

    private Task<HttpContext> GetAsync(IPAddress from, string key) => api.Server.SendAsync(context =>
    {
        context.Connection.RemoteIpAddress = from;
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/patterns";
        context.Request.Headers[ApiKeyAuthenticationHandler.HeaderName] = key;
    });
}

/// <summary>Health probes and metrics behind the ops:admin scope (Auth:AnonymousHealth and Auth:AnonymousMetrics off).</summary>
public sealed class ClosedProbesApiFixture : PatternApiFixture
{
    protected override bool RequireApiKeys => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Auth:AnonymousHealth"] = "false",
        ["Auth:AnonymousMetrics"] = "false",
    };
}

public sealed class ClosedProbesTests(ClosedProbesApiFixture api) : IClassFixture<ClosedProbesApiFixture>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/metrics")]
    public async Task Probes_and_metrics_need_an_ops_key_when_configured(string path)
    {
        var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
        var reader = await AccessControlTests.CreateKeyAsync(api, Scopes.PatternsRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await AccessControlTests.SendAsync(client, "GET", path, reader)).StatusCode);
        var ops = await AccessControlTests.CreateKeyAsync(api, Scopes.OpsAdmin);
        Assert.Equal(HttpStatusCode.OK, (await AccessControlTests.SendAsync(client, "GET", path, ops)).StatusCode);
    }
}

/// <summary>API keys with scopes: 401 without a valid key, 403 without the scope, 429 past the write rate.</summary>
public sealed class AccessControlTests(SecuredApiFixture api) : IClassFixture<SecuredApiFixture>
{
    private static readonly Guid Someone = Guid.NewGuid();

    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/v1/patterns", Scopes.PatternsRead },
        { "GET", $"/api/v1/patterns/{Someone}", Scopes.PatternsRead },
        { "POST", "/api/v1/patterns/match", Scopes.PatternsRead },
        { "POST", "/api/v1/patterns", Scopes.PatternsWrite },
        { "PATCH", $"/api/v1/patterns/{Someone}", Scopes.PatternsWrite },
        { "DELETE", $"/api/v1/patterns/{Someone}", Scopes.PatternsWrite },
        { "POST", $"/api/v1/patterns/{Someone}/outcomes", Scopes.PatternsWrite },
        { "GET", "/api/v1/sync/status", Scopes.OpsAdmin },
        { "GET", "/api/v1/sync/reconciliations", Scopes.OpsAdmin },
        { "GET", "/api/v1/sync/history", Scopes.OpsAdmin },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_endpoint_needs_a_valid_key_with_its_scope(string method, string path, string scope)
    {
        var client = api.CreateClient();
        var rightKey = await CreateKeyAsync(api, scope);
        var wrongKey = await CreateKeyAsync(api, Scopes.All.First(s => s != scope));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, method, path, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, method, path, "ps_00000000_forged")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, method, path, rightKey[..^2] + "xx")).StatusCode);
        var forbidden = await SendAsync(client, method, path, wrongKey);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType!.MediaType);
        var allowed = await SendAsync(client, method, path, rightKey);
        Assert.NotEqual(HttpStatusCode.Unauthorized, allowed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused()
    {
        var client = api.CreateClient();
        var key = await CreateKeyAsync(api, Scopes.PatternsRead);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "GET", "/api/v1/patterns", key)).StatusCode);

        await using (var scope = api.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().RevokeAsync(key[..11], CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "GET", "/api/v1/patterns", key)).StatusCode);
    }

    [Fact]
    public async Task Writes_beyond_the_rate_get_429_with_Retry_After()
    {
        var client = api.CreateClient();
        var key = await CreateKeyAsync(api, Scopes.PatternsWrite);

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            var body = PatternBodies.Example($"Rate limited {i} {Guid.NewGuid():N}").ToJsonString();
            statuses.Add(await SendAsync(client, "POST", "/api/v1/patterns", key, body));
        }

        // A burst of 3, then 1 a second: a slow machine may earn one more token between the requests, not three.
        Assert.All(statuses.Take(3), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var limited = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/metrics")]
    public async Task Probes_and_metrics_answer_without_a_key_by_default(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task Key_values_never_reach_the_logs()
    {
        var writer = await CreateKeyAsync(api, Scopes.PatternsWrite);
        var tampered = writer[..^2] + (writer.EndsWith("xx") ? "yy" : "xx");
        var client = api.CreateClient();
        var body = PatternBodies.Example($"Logged {Guid.NewGuid():N}").ToJsonString();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(client, "POST", "/api/v1/patterns", writer, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, "GET", "/api/v1/patterns", writer)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "GET", "/api/v1/patterns", tampered)).StatusCode);

        var logs = api.Logs.Text;
        Assert.Contains("/api/v1/patterns", logs); // the requests were logged, at every level
        Assert.Contains($"\"Caller\":\"{writer[..11]}\"", logs); // naming the caller by the key's prefix
        Assert.DoesNotContain(writer[12..], logs);
        Assert.DoesNotContain(tampered[12..], logs);
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_the_cli_creates_lists_and_revokes_them()
    {
        var output = new StringWriter();
        var messages = new StringWriter();
        Assert.Equal(0,
            await ApiKeyCommands.RunAsync(api.Services, ["create", "cli test", "--scopes", "patterns:read,ops:admin"], output, messages));
        Assert.Equal(2, await ApiKeyCommands.RunAsync(api.Services, ["create", "bad", "--scopes", "everything"], output, messages));
        var value = output.ToString().Trim();
        Assert.Matches("^ps_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$", value); // the key alone on standard output, so a script can capture it
        Assert.Contains("everything", messages.ToString());

        await using (var db = api.Database.CreateDbContext())
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.Name == "cli test");
            Assert.Equal([Scopes.PatternsRead, Scopes.OpsAdmin], stored.Scopes);
            Assert.DoesNotContain(value, stored.KeyHash + stored.Prefix + stored.Name);
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api.CreateClient(), "GET", "/api/v1/sync/status", value)).StatusCode);
        Assert.Contains(value[..11], await ListAsync());
        Assert.Equal(0, await ApiKeyCommands.RunAsync(api.Services, ["revoke", value[..11]], output, messages));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(api.CreateClient(), "GET", "/api/v1/sync/status", value)).StatusCode);
        Assert.Contains("revoked", (await ListAsync()).Split('\n').Single(line => line.Contains(value[..11])));

        async Task<string> ListAsync()
        {
            var list = new StringWriter();
            Assert.Equal(0, await ApiKeyCommands.RunAsync(api.Services, ["list"], list, messages));
            return list.ToString();
        }
    }

    internal static async Task<string> CreateKeyAsync(PatternApiFixture api, string scope)
    {
        await using var services = api.Services.CreateAsyncScope();
        var keys = services.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var (_, value) = await keys.CreateAsync($"test {Guid.NewGuid():N}", [scope], CancellationToken.None);
        return value;
    }

    internal static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? key, string body = "{}")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PATCH")
        {
            var mediaType = method == "PATCH" ? "application/merge-patch+json" : "application/json";
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType);
        }
        if (key is not null) request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        return client.SendAsync(request);
    }
}
