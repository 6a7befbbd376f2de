using System.Net;
using System.Net.Http.Headers;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>Api:MaxBodyBytes holds on every endpoint, also those that read no body.</summary>
public sealed class BodyLimitTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("GET", "/api/v1/patterns")]
    [InlineData("DELETE", "/api/v1/patterns/{id}")]
    [InlineData("POST", "/api/v1/sync/reconcile")]
    [InlineData("GET", "/health/live")]
    public async Task A_body_over_the_limit_gets_413_on_an_endpoint_that_reads_none(string method, string path)
    {
        var id = (await _client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id.ToString()))
        {
            Content = new ByteArrayContent(new byte[300 * 1024])
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/v1/patterns/{id}")).StatusCode);
        Assert.Equal(1, await api.Database.CountAsync("outbox_messages"));
    }
}
