using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using PatternSync.Core.Filters;

namespace PatternSync.UnitTests;

/// <summary>The match body's <c>filters</c> and the listing's query string read into the same filter, under the same rules.</summary>
public sealed class PatternFilterParserTests
{
    [Fact]
    public void Both_sources_read_the_same_filter()
    {
        var fromJson = FromJson("""
            {"pattern_types": ["caching"], "statuses": ["active", "deprecated"], "tags": [" Redis ", "redis", "python"],
             "all_tags": true, "min_quality_score": 0.5, "min_success_rate": 0}
            """, out var jsonErrors);
        var fromQuery = FromQuery(new()
        {
            ["pattern_type"] = "caching", ["status"] = new(["active", "deprecated"]), ["tag"] = new([" Redis ", "redis", "python"]),
            ["tag_match"] = "all", ["min_quality_score"] = "0.5", ["min_success_rate"] = "0",
        }, out var queryErrors);

        Assert.Empty(jsonErrors);
        Assert.Empty(queryErrors);
        foreach (var filter in new[] { fromJson, fromQuery })
        {
            Assert.Equal(["caching"], filter.PatternTypes);
            Assert.Equal(["active", "deprecated"], filter.Statuses);
            Assert.Equal(["redis", "python"], filter.Tags);
            Assert.True(filter.AllTags);
            Assert.Equal(0.5, filter.MinQualityScore);
            Assert.Equal(0, filter.MinSuccessRate);
        }
    }

    public static TheoryData<string, string, string, string> Rules => new()
    {
        // rule, JSON filters, query string, the field both name (JSON path = "filters." + JSON field)
        { "unknown status", """{"statuses": ["retired"]}""", "status=retired", "statuses|status" },
        { "blank tag", """{"tags": ["  "]}""", "tag=%20%20", "tags[0]|tag[0]" },
        { "empty pattern type", """{"pattern_types": [""]}""", "pattern_type=", "pattern_types[0]|pattern_type[0]" },
        { "long tag", $$"""{"tags": ["{{new string('t', 65)}}"]}""", $"tag={new string('t', 65)}", "tags[0]|tag[0]" },
        { "too many tags", $$"""{"tags": [{{string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"t{i}\""))}}]}""",
            string.Join("&", Enumerable.Range(0, 51).Select(i => $"tag=t{i}")), "tags|tag" },
        { "ratio above 1", """{"min_quality_score": 1.5}""", "min_quality_score=1.5", "min_quality_score|min_quality_score" },
        { "ratio not a number", """{"min_success_rate": "high"}""", "min_success_rate=high", "min_success_rate|min_success_rate" },
        { "tag matching not a choice", """{"all_tags": "yes"}""", "tag_match=some", "all_tags|tag_match" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Both_sources_refuse_the_same_values(string _, string json, string query, string fields)
    {
        var (jsonField, queryField) = (fields.Split('|')[0], fields.Split('|')[1]);

        FromJson(json, out var jsonErrors);
        FromQuery(QueryHelpers.ParseQuery(query), out var queryErrors);

        Assert.Equal(["filters." + jsonField], jsonErrors.Keys);
        Assert.Equal([queryField], queryErrors.Keys);
    }

    private static PatternFilter FromJson(string json, out Dictionary<string, string> errors)
    {
        var found = new Dictionary<string, string>();
        var filter = PatternFilterParser.FromJson(
            JsonNode.Parse(json)!.AsObject(), "filters.", (path, message) => found.TryAdd(path, message));
        errors = found;
        return filter;
    }

    private static PatternFilter FromQuery(Dictionary<string, StringValues> query, out Dictionary<string, string> errors)
    {
        var found = new Dictionary<string, string>();
        var filter = PatternFilterParser.FromQuery(new QueryCollection(query), (path, message) => found.TryAdd(path, message));
        errors = found;
        return filter;
    }
}
