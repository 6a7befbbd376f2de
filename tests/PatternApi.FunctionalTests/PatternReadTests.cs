using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class PatternReadTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = api.CreateClient();

    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Get_of_an_absent_pattern_is_404_problem()
    {
        var response = await _client.GetAsync($"/api/v1/patterns/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Get_with_a_malformed_id_is_400_naming_pattern_id()
    {
        var response = await _client.GetAsync("/api/v1/patterns/not-a-uuid");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pattern_id", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_filters_by_type_status_tags_and_quality()
    {
        var fast = await Create("api_optimization", "active", 0.9, "postgresql", "fastapi");
        var old = await Create("api_optimization", "deprecated", 0.9, "postgresql");
        var cache = await Create("caching", "active", 0.5, "redis", "fastapi");

        Assert.Equal([fast, old], await Ids("pattern_type=api_optimization&sort=name"));
        Assert.Equal([fast, cache], await Ids("status=active&sort=name"));
        Assert.Equal([old], await Ids("status=deprecated"));
        Assert.Equal([fast, old, cache], await Ids("tag=postgresql&tag=redis&sort=name"));
        Assert.Equal([fast], await Ids("tag=postgresql&tag=fastapi&tag_match=all"));
        Assert.Equal([fast, old], await Ids("min_quality_score=0.8&sort=name"));
        Assert.Empty(await Ids("pattern_type=caching&min_quality_score=0.8"));
    }

    [Fact]
    public async Task Cursor_paging_visits_every_pattern_once_in_sort_order()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++) created.Add(await Create("caching", "active", 0.1 * i, $"tag{i % 2}"));

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var after = cursor is null ? "" : $"&cursor={cursor}";
            var page = await _client.GetFromJsonAsync<JsonObject>($"/api/v1/patterns?sort=-quality_score&limit=3{after}");
            seen.AddRange(page!["items"]!.AsArray().Select(item => item!["pattern_id"]!.GetValue<Guid>()));
            cursor = page["next_cursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("status=retired", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("min_quality_score=1.5", "min_quality_score")]
    [InlineData("min_success_rate=abc", "min_success_rate")]
    [InlineData("sort=colour", "sort")]
    [InlineData("tag_match=some", "tag_match")]
    [InlineData("tag=", "tag[0]")]
    [InlineData("pattern_type=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "pattern_type[0]")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("colour=blue", "colour")]
    public async Task Invalid_listing_parameters_get_400_naming_them(string query, string field)
    {
        var response = await _client.GetAsync($"/api/v1/patterns?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    private async Task<Guid> Create(string type, string status, double accuracy, params string[] tags)
    {
        var body = PatternBodies.Example($"{type} {status} {Guid.NewGuid():N}");
        body["pattern_type"] = type;
        body["status"] = status;
        body["quality_metrics"] = new JsonObject { ["accuracy"] = accuracy };
        body["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        var created = await _client.CreateAsync(body);
        return created["pattern_id"]!.GetValue<Guid>();
    }

    private async Task<List<Guid>> Ids(string query)
    {
        var page = await _client.GetFromJsonAsync<JsonObject>($"/api/v1/patterns?{query}");
        var ids = page!["items"]!.AsArray().Select(item => item!["pattern_id"]!.GetValue<Guid>()).ToList();
        return ids;
    }
}
