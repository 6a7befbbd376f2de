using System.Text.Json.Nodes;
using PatternSync.PatternApi.Patterns;

namespace PatternSync.UnitTests;

public sealed class PatternValidatorTests
{
    [Fact]
    public void Every_field_is_checked_and_its_errors_come_in_the_documents_order()
    {
        var body = JsonNode.Parse("""
            {"version": 3, "colour": "red", "pattern_type": "Not Snake", "name": "x\u0001", "description": " ",
             "context": [], "execution_trace": {"steps": ["", 7]}, "success_criteria": 1,
             "quality_metrics": {"accuracy": 2}, "performance_data": "fast", "tags": ["ok", "Bad Tag!"], "status": "gone"}
            """)!.AsObject();

        var (document, errors) = PatternValidator.Validate(body);

        Assert.Null(document);
        Assert.Equal(
        [
            "version", "colour", "pattern_type", "name", "description", "context", "success_criteria", "performance_data",
            "execution_trace.steps[0]", "execution_trace.steps[1]", "quality_metrics.accuracy", "tags[1]", "status",
        ], errors.Keys);
        Assert.Equal(["must be 3 to 200 characters.", "must not contain control characters."], errors["name"]);
    }

    [Fact]
    public void A_patch_must_keep_its_status_while_a_create_defaults_it()
    {
        var body = new JsonObject { ["pattern_type"] = "caching", ["name"] = "Read-through cache", ["description"] = "Cache reads." };

        Assert.Equal("active", PatternValidator.Validate(body).Document!.Status);
        Assert.Equal(["is required."], PatternValidator.Validate(body, patch: true).Errors["status"]);
    }
}
