using System.Net;
using Microsoft.EntityFrameworkCore;
using PatternSync.Contracts;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class PatternDeleteTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Delete_removes_the_pattern_and_writes_PatternDeleted_with_the_next_version()
    {
        var id = (await _client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();

        var response = await _client.DeleteAsync($"/api/v1/patterns/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/v1/patterns/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/api/v1/patterns/{id}")).StatusCode);
        await using var db = api.Database.CreateDbContext();
        var deleted = await db.OutboxMessages.SingleAsync(m => m.MessageType == nameof(PatternDeleted));
        Assert.Equal(2, deleted.PatternVersion);
        Assert.Equal(id, PatternRequests.Deserialize<PatternDeleted>(deleted.Payload)!.PatternId);
    }

    [Fact]
    public async Task Delete_with_a_stale_If_Match_gets_412_and_keeps_the_pattern()
    {
        var id = (await _client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/patterns/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "\"4\"");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/v1/patterns/{id}")).StatusCode);
        Assert.Equal(1, await api.Database.CountAsync("outbox_messages"));
    }
}
