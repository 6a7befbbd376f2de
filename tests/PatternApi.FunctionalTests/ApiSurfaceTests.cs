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
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
