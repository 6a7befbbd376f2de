using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PatternApi.FunctionalTests;

public sealed class ApiSurfaceTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task The_OpenAPI_document_describes_the_pattern_endpoints()
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        Assert.Contains("/api/v1/patterns", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/patterns/{patternId}", paths.Select(p => p.Key));
        Assert.NotNull(paths["/api/v1/patterns/{patternId}"]!["patch"]);
    }

    [Fact]
    public async Task The_reference_page_is_served()
    {
        var response = await _client.GetAsync("/reference");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_probes_answer_healthy_while_PostgreSQL_answers(string path)
    {
        // Readiness includes the bus, which connects to RabbitMQ in the background after start.
        var body = await PatternSync.Testing.Eventually.ValueAsync(async () => await (await _client.GetAsync(path)).Content.ReadAsStringAsync(),
            text => text == "Healthy", TimeSpan.FromSeconds(30), $"{path} to be Healthy");

        Assert.Equal("Healthy", body);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(path)).StatusCode);
    }
}
