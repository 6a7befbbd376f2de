using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>
/// A generated corpus of malformed requests across every endpoint: each gets a 4xx ProblemDetails
/// (never a 500), and the database and the outbox are exactly as before.
/// </summary>
public sealed class HostileInputTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>
{
    private const string Injection = "x'); DROP TABLE success_patterns; --";
    private const string Script = "<script>alert(1)</script>";

    private static readonly string[] BadJson =
    [
        "", "{", "}", "[", "{\"name\": }", "{\"name\": \"x\",}", "{'name': 'x'}", "{\"name\": \"x\"} trailing",
        "null", "true", "42", "\"text\"",
        "[]", "[{}]", "{\"a\": NaN}", "{\"a\": Infinity}", "{\"a\": 01}", "{\"a\": \"\\u12\"}", "\u0000", "{\"a\": /* comment */ 1}",
        new string('[', 100) + new string(']', 100), "{\"a\":" + new string('{', 60) + new string('}', 60) + "}",
    ];

    private static readonly JsonNode?[] BadScalars =
    [
        null, 42, -1, 3.5, true, false, new JsonArray(), new JsonObject(), "", new string('x', 5000), "\u0001\u0002",
        Injection, Script, "-1",
    ];

    private static readonly string[] PatternFields =
    [
        "pattern_type", "name", "description", "context", "execution_trace", "success_criteria", "quality_metrics",
        "performance_data", "tags", "status",
    ];

    public static IEnumerable<(HttpMethod Method, string Path, string? Body, string? ContentType, string? IfMatch)> Corpus(Guid existing)
    {
        var patterns = "/api/v1/patterns";
        var one = $"{patterns}/{existing}";
        foreach (var json in BadJson)
        {
            yield return (HttpMethod.Post, patterns, json, "application/json", null);
            yield return (HttpMethod.Patch, one, json, "application/merge-patch+json", null);
            yield return (HttpMethod.Post, $"{patterns}/match", json, "application/json", null);
            yield return (HttpMethod.Post, $"{one}/outcomes", json, "application/json", null);
        }
        // Every pattern field with every wrong kind of value, on create and on patch.
        foreach (var field in PatternFields)
            foreach (var value in BadScalars)
            {
                if (!IsInvalid(field, value)) continue;
                var create = Valid();
                create[field] = value?.DeepClone();
                yield return (HttpMethod.Post, patterns, create.ToJsonString(), "application/json", null);
                if (value is not null || field is "pattern_type" or "name" or "description" or "status")
                {
                    var patch = new JsonObject { [field] = value?.DeepClone() };
                    yield return (HttpMethod.Patch, one, patch.ToJsonString(), "application/merge-patch+json", null);
                }
            }
        string[] notWritable =
            ["pattern_id", "version", "match_count", "success_rate", "created_at", "indexed_version", "colour", "__proto__", Injection];
        foreach (var field in notWritable)
        {
            var create = Valid();
            create[field] = 1;
            yield return (HttpMethod.Post, patterns, create.ToJsonString(), "application/json", null);
            yield return (HttpMethod.Patch, one, new JsonObject { [field] = 1 }.ToJsonString(), "application/merge-patch+json", null);
        }
        // Arrays and documents beyond their limits.
        var manyTags = Valid(); manyTags["tags"] = new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)$"t{i}").ToArray());
        var manySteps = Valid();
        manySteps["execution_trace"] = new JsonObject
        {
            ["steps"] = new JsonArray(Enumerable.Range(0, 500).Select(i => (JsonNode?)$"s{i}").ToArray()),
        };
        var hugeDoc = Valid(); hugeDoc["performance_data"] = new JsonObject { ["blob"] = new string('x', 100_000) };
        var overLimit = Valid(); overLimit["description"] = new string('d', 400_000);
        foreach (var body in new[] { manyTags, manySteps, hugeDoc, overLimit })
            yield return (HttpMethod.Post, patterns, body.ToJsonString(), "application/json", null);
        // Media types.
        string[] wrongMediaTypes =
            ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data", "application/jsonx"];
        foreach (var contentType in wrongMediaTypes)
        {
            yield return (HttpMethod.Post, patterns, Valid().ToJsonString(), contentType, null);
            yield return (HttpMethod.Patch, one, "{\"name\": \"Renamed\"}", contentType, null);
            yield return (HttpMethod.Post, $"{patterns}/match", "{\"intent\": \"x\"}", contentType, null);
            yield return (HttpMethod.Post, $"{one}/outcomes", "{\"success\": true}", contentType, null);
        }
        // Bad ids in every path that takes one.
        string[] badIds =
        [
            "not-a-uuid", "123", "550e8400-e29b-41d4-a716-44665544000", "550e8400e29b41d4a716446655440000zz",
            Uri.EscapeDataString(Injection), Uri.EscapeDataString(Script), "..%2F..%2Fetc",
        ];
        foreach (var id in badIds)
        {
            yield return (HttpMethod.Get, $"{patterns}/{id}", null, null, null);
            yield return (HttpMethod.Patch, $"{patterns}/{id}", "{\"name\": \"Renamed\"}", "application/merge-patch+json", null);
            yield return (HttpMethod.Delete, $"{patterns}/{id}", null, null, null);
            yield return (HttpMethod.Post, $"{patterns}/{id}/outcomes", "{\"success\": true}", "application/json", null);
        }
        // Invalid If-Match on the writes that honour it.
        foreach (var ifMatch in new[] { "abc", "\"0\"", "\"-3\"", "W/", "\"1\" \"2\"", "\"99999999999999999999\"", Injection })
        {
            yield return (HttpMethod.Patch, one, "{\"name\": \"Renamed\"}", "application/merge-patch+json", ifMatch);
            yield return (HttpMethod.Delete, one, null, null, ifMatch);
        }
        // Listing parameters.
        foreach (var query in new[]
                 {
                     "status=deleted", $"status={Uri.EscapeDataString(Injection)}", "limit=0", "limit=-5", "limit=1000", "limit=abc",
                     "min_quality_score=2", "min_quality_score=NaN", "min_success_rate=-0.1", "sort=password",
                     $"sort={Uri.EscapeDataString(Injection)}", "tag_match=none", "cursor=%%%", "cursor=eyJzIjoiLWNyZWF0ZWRfYXQifQ",
                     "colour=red", $"{Uri.EscapeDataString(Script)}=1",
                 })
            yield return (HttpMethod.Get, $"{patterns}?{query}", null, null, null);
        // Match requests, field by field.
        foreach (var (field, value) in new (string, JsonNode?)[]
                 {
                     ("intent", null), ("intent", ""), ("intent", 5), ("intent", new JsonArray()), ("intent", new string('i', 3000)),
                     ("intent", "\u0007bell"),
                     ("context", 5), ("context", new JsonArray()), ("context", new string('c', 5000)),
                     ("requirements", "fast"), ("requirements", new JsonArray(1, 2)),
                     ("requirements", new JsonArray(Enumerable.Range(0, 50).Select(i => (JsonNode?)$"r{i}").ToArray())),
                     ("limit", 0), ("limit", 101), ("limit", "5"), ("limit", 1.5),
                     ("min_confidence", 1.5), ("min_confidence", -0.1), ("min_confidence", "high"),
                     ("ranking", "bm25"), ("explore", "yes"), ("retrieval", "sparse"), ("retrieval", 1),
                     ("filters", "all"), ("filters", new JsonArray()),
                     ("top_k", 3), (Injection, 1),
                 })
        {
            var match = new JsonObject { ["intent"] = "speed up slow SQL queries" };
            if (value is null) match.Remove(field); else match[field] = value;
            if (field == "intent" && value is null) match["context"] = "no intent";
            yield return (HttpMethod.Post, $"{patterns}/match", match.ToJsonString(), "application/json", null);
        }
        foreach (var (filter, value) in new (string, JsonNode)[]
                 {
                     ("statuses", new JsonArray("deleted")), ("statuses", "active"),
                     ("pattern_types", 5), ("pattern_types", new JsonArray(5)), ("tags", new JsonArray(new JsonObject())),
                     ("min_quality_score", 7), ("min_success_rate", "x"), ("all_tags", "yes"), ("colour", "red"),
                 })
        {
            var match = new JsonObject { ["intent"] = "x", ["filters"] = new JsonObject { [filter] = value } };
            yield return (HttpMethod.Post, $"{patterns}/match", match.ToJsonString(), "application/json", null);
        }
        // Numbers a double cannot hold or that PostgreSQL prints long, in every free-form document and in a match context.
        foreach (var number in LongNumbers)
        {
            foreach (var field in new[] { "context", "execution_trace", "success_criteria", "quality_metrics", "performance_data" })
            {
                var create = Valid();
                create[field] = new JsonObject { ["x"] = JsonNode.Parse(number) };
                yield return (HttpMethod.Post, patterns, create.ToJsonString(), "application/json", null);
                var patch = new JsonObject { [field] = new JsonObject { ["x"] = JsonNode.Parse(number) } };
                yield return (HttpMethod.Patch, one, patch.ToJsonString(), "application/merge-patch+json", null);
            }
            var match = new JsonObject { ["intent"] = "x", ["context"] = new JsonObject { ["x"] = JsonNode.Parse(number) } };
            yield return (HttpMethod.Post, $"{patterns}/match", match.ToJsonString(), "application/json", null);
        }
        // Duplicate property names, at the top and nested.
        string[] duplicates =
        [
            """{"name": "Renamed", "name": "Twice"}""",
            """{"performance_data": {"a": 1, "a": 2}}""",
            """{"execution_trace": {"steps": [{"k": 1, "k": 1}]}}""",
        ];
        foreach (var duplicated in duplicates)
        {
            yield return (HttpMethod.Post, patterns, WithoutContext()[..^1] + "," + duplicated[1..], "application/json", null);
            yield return (HttpMethod.Patch, one, duplicated, "application/merge-patch+json", null);
        }
        yield return (HttpMethod.Post, $"{patterns}/match", "{\"intent\": \"x\", \"intent\": \"y\"}", "application/json", null);
        yield return (HttpMethod.Post, $"{one}/outcomes", "{\"success\": true, \"success\": false}", "application/json", null);
        // Strings PostgreSQL's jsonb refuses (NUL, a lone surrogate), as values and as names.
        foreach (var text in new[] { "{\"a\": \"\\u0000\"}", "{\"a\": \"\\ud800\"}", "{\"\\u0000\": 1}" })
        {
            var create = WithoutContext()[..^1] + ",\"performance_data\": " + text + "}";
            yield return (HttpMethod.Post, patterns, create, "application/json", null);
            yield return (HttpMethod.Patch, one, "{\"success_criteria\": " + text + "}", "application/merge-patch+json", null);
        }
        // A trailing newline that '$' would let through.
        foreach (var (field, value) in new (string, JsonNode)[]
                 {
                     ("pattern_type", "api_optimization\n"), ("pattern_type", "a" + new string('b', 63) + "\n"),
                     ("tags", new JsonArray("postgresql\n")),
                 })
        {
            var create = Valid();
            create[field] = value.DeepClone();
            yield return (HttpMethod.Post, patterns, create.ToJsonString(), "application/json", null);
            var patch = new JsonObject { [field] = value.DeepClone() };
            yield return (HttpMethod.Patch, one, patch.ToJsonString(), "application/merge-patch+json", null);
        }
        // Cursors whose values do not parse, or carry a timestamp that is not UTC.
        foreach (var (sort, value) in BadCursorValues)
            yield return (HttpMethod.Get, $"{patterns}?sort={sort}&cursor={Cursor(sort, value)}", null, null, null);
        // A structured match context beyond the length of a string one.
        var longContext = new JsonObject { ["intent"] = "x", ["context"] = new JsonObject { ["blob"] = new string('c', 5000) } };
        yield return (HttpMethod.Post, $"{patterns}/match", longContext.ToJsonString(), "application/json", null);
        // Outcomes.
        string[] badOutcomes =
        [
            "{}", """{"success": null}""", """{"success": "true"}""", """{"success": 1}""", """{"success": true, "extra": 1}""",
            """{"succes": true}""",
        ];
        foreach (var body in badOutcomes)
            yield return (HttpMethod.Post, $"{one}/outcomes", body, "application/json", null);
        // Sync endpoints.
        foreach (var query in new[] { "limit=0", "limit=101", "limit=abc", "limit=-1" })
            yield return (HttpMethod.Get, $"/api/v1/sync/reconciliations?{query}", null, null, null);
    }

    /// <summary>Each fits in a few request bytes; a double cannot hold it, or PostgreSQL prints it in more than 32 characters.</summary>
    private static readonly string[] LongNumbers =
        ["1e100000", "1e400", "-1e400", "1e-400", "1e300", "0e-40", "123456789012345678901234567890123"];

    private static readonly (string Sort, string? Value)[] BadCursorValues =
    [
        ("-created_at", "2026-01-01T10:00:00+02:00"), ("-created_at", "yesterday"), ("updated_at", "2026-13-45T99:00:00Z"),
        ("-created_at", null),
        ("quality_score", "abc"), ("quality_score", "1e400"), ("name", null), ("name", new string('n', 5000)),
    ];

    private static string Cursor(string sort, string? value) =>
        Base64Url(new JsonObject { ["Sort"] = sort, ["Value"] = value, ["PatternId"] = Guid.NewGuid() }.ToJsonString());

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string WithoutContext()
    {
        var body = Valid();
        body.Remove("context");
        return body.ToJsonString();
    }

    [Fact]
    public async Task Every_malformed_request_gets_a_4xx_problem_and_changes_nothing()
    {
        await api.Database.ResetAsync();
        var client = api.CreateClient();
        var existing = (await client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();
        var before = await SnapshotAsync();

        var corpus = Corpus(existing).ToList();
        var failures = new List<string>();
        foreach (var (method, path, body, contentType, ifMatch) in corpus)
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
            if (body is not null && contentType is not null)
                request.Content!.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status is < 400 or > 499 || mediaType != "application/problem+json")
                failures.Add($"{method} {path} [{Shorten(body)}] If-Match={ifMatch} -> {status} {mediaType}");
        }

        Assert.True(corpus.Count >= 300, $"the corpus has only {corpus.Count} requests");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {corpus.Count} requests were not a 4xx problem:\n{string.Join("\n", failures.Take(30))}");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("1e100000")]
    [InlineData("1e400")]
    [InlineData("1e300")]
    [InlineData("0e-40")]
    public async Task A_number_too_large_or_too_long_to_print_is_a_400_naming_its_path_on_create_patch_and_match(string number)
    {
        var (client, existing, before) = await StartAsync();
        var create = Valid();
        create["performance_data"] = new JsonObject { ["deep"] = new JsonObject { ["x"] = new JsonArray(1, JsonNode.Parse(number)) } };
        var patch = new JsonObject
        {
            ["execution_trace"] = new JsonObject { ["steps"] = new JsonArray(new JsonObject { ["ms"] = JsonNode.Parse(number) }) },
        };
        var match = new JsonObject
        {
            ["intent"] = "speed up slow SQL queries",
            ["context"] = new JsonObject { ["budget"] = JsonNode.Parse(number) },
        };

        await AssertNamesAsync(await client.PostAsync("/api/v1/patterns", PatternRequests.Json(create)), "performance_data.deep.x[1]");
        await AssertNamesAsync(
            await client.PatchAsync($"/api/v1/patterns/{existing}", PatternRequests.Json(patch, "application/merge-patch+json")),
            "execution_trace.steps[0].ms");
        await AssertNamesAsync(await client.PostAsync("/api/v1/patterns/match", PatternRequests.Json(match)), "context.budget");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_document_whose_stored_form_is_over_the_limit_is_a_400_though_its_request_is_under()
    {
        var (client, existing, before) = await StartAsync();
        // Each 0e-30 is 6 request bytes and 34 once PostgreSQL prints it: 18 KB sent, about 100 KB stored.
        var numbers = string.Join(",", Enumerable.Repeat("0e-30", 3000));
        var create = WithoutContext()[..^1] + ",\"performance_data\": {\"n\": [" + numbers + "]}}";

        var patch = "{\"quality_metrics\": {\"n\": [" + numbers + "]}}";

        await AssertNamesAsync(
            await client.PostAsync("/api/v1/patterns", new StringContent(create, Encoding.UTF8, "application/json")), "performance_data");
        await AssertNamesAsync(await client.PatchAsync($"/api/v1/patterns/{existing}",
            new StringContent(patch, Encoding.UTF8, "application/merge-patch+json")), "quality_metrics");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Duplicate_property_names_are_a_400_naming_the_path()
    {
        var (client, existing, before) = await StartAsync();

        var create = WithoutContext()[..^1] + ""","context": {"env": {"a": 1, "a": 2}}}""";
        const string patch = """{"execution_trace": {"steps": ["one", {"k": 1, "k": 2}]}}""";

        await AssertNamesAsync(await client.PostAsync("/api/v1/patterns",
            new StringContent(create, Encoding.UTF8, "application/json")), "context.env.a");
        await AssertNamesAsync(await client.PatchAsync($"/api/v1/patterns/{existing}",
            new StringContent(patch, Encoding.UTF8, "application/merge-patch+json")), "execution_trace.steps[1].k");
        await AssertNamesAsync(await client.PostAsync("/api/v1/patterns/match",
            new StringContent("{\"intent\": \"x\", \"intent\": \"y\"}", Encoding.UTF8, "application/json")), "intent");
        await AssertNamesAsync(await client.PostAsync($"/api/v1/patterns/{existing}/outcomes",
            new StringContent("{\"success\": true, \"success\": false}", Encoding.UTF8, "application/json")), "success");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("pattern_type", "api_optimization\n", "pattern_type")]
    [InlineData("tags", "postgresql\n", "tags[0]")]
    public async Task A_value_ending_in_a_newline_is_a_400_and_nothing_is_stored(string field, string value, string path)
    {
        var (client, existing, before) = await StartAsync();
        JsonNode node = field == "tags" ? new JsonArray(value) : value;
        var create = Valid();
        create[field] = node.DeepClone();

        await AssertNamesAsync(await client.PostAsync("/api/v1/patterns", PatternRequests.Json(create)), path);
        await AssertNamesAsync(await client.PatchAsync($"/api/v1/patterns/{existing}",
            PatternRequests.Json(new JsonObject { [field] = node.DeepClone() }, "application/merge-patch+json")), path);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_cursor_whose_value_does_not_parse_or_is_not_utc_is_a_400_naming_cursor()
    {
        var (client, _, _) = await StartAsync();
        foreach (var (sort, value) in BadCursorValues)
            await AssertNamesAsync(await client.GetAsync($"/api/v1/patterns?sort={sort}&cursor={Cursor(sort, value)}"), "cursor");
    }

    [Fact]
    public async Task Thirty_thousand_tags_or_unknown_fields_get_a_quick_small_400_with_few_errors_per_field()
    {
        var (client, existing, before) = await StartAsync();
        var distinct = Valid();
        distinct["tags"] = new JsonArray(Enumerable.Range(0, 30_000).Select(i => (JsonNode?)Convert.ToString(i, 16)).ToArray());
        var wrongKinds = Valid();
        wrongKinds["tags"] = new JsonArray(Enumerable.Range(0, 30_000).Select(_ => (JsonNode?)1).ToArray());
        var steps = Valid();
        steps["execution_trace"] = new JsonObject
        {
            ["steps"] = new JsonArray(Enumerable.Range(0, 30_000).Select(_ => (JsonNode?)"").ToArray()),
        };
        var unknown = new JsonObject(Enumerable.Range(0, 15_000).Select(i => KeyValuePair.Create($"f{i}", (JsonNode?)1)));

        var outcome = new JsonObject(unknown.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var listing = string.Join("&", Enumerable.Range(0, 1000).Select(i => $"p{i}=1"));

        foreach (var (path, body) in new[]
                 {
                     ("", distinct), ("", wrongKinds), ("", steps), ("", unknown),
                     ($"/{existing}/outcomes", outcome), ($"?{listing}", null),
                 })
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = body is null ? await client.GetAsync($"/api/v1/patterns{path}")
                : await client.PostAsync($"/api/v1/patterns{path}", PatternRequests.Json(body));
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True(text.Length < 4096, $"a {text.Length}-character answer");
            var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
            Assert.True(errors.Count <= 20, $"{errors.Count} fields named");
            Assert.All(errors.GroupBy(e => e.Key.Split('.', '[')[0]),
                field => Assert.True(field.Count() <= 5, $"{field.Count()} errors for {field.Key}"));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"answered in {watch.Elapsed}");
        }
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_structured_match_context_longer_than_a_string_one_is_a_400_naming_context()
    {
        var (client, _, _) = await StartAsync();
        var match = new JsonObject { ["intent"] = "x", ["context"] = new JsonObject { ["blob"] = new string('c', 5000) } };

        await AssertNamesAsync(await client.PostAsync("/api/v1/patterns/match", PatternRequests.Json(match)), "context");
    }

    private async Task<(HttpClient Client, Guid Existing, string Before)> StartAsync()
    {
        await api.Database.ResetAsync();
        var client = api.CreateClient();
        var existing = (await client.CreateAsync(PatternBodies.Example()))["pattern_id"]!.GetValue<Guid>();
        return (client, existing, await SnapshotAsync());
    }

    private static async Task AssertNamesAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]?.AsObject();
        Assert.True(errors?.ContainsKey(path) == true, $"expected an error for {path}: {text[..Math.Min(text.Length, 300)]}");
    }

    /// <summary>Everything the requests could have written: the rows, the versions, the outbox.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var db = api.Database.CreateDbContext();
        var patterns = db.Patterns
            .OrderBy(p => p.PatternId)
            .Select(p => $"{p.PatternId}:{p.Version}:{p.Name}:{p.Status}:{p.MatchCount}")
            .ToList();
        var outbox = db.OutboxMessages.OrderBy(m => m.Id).Select(m => $"{m.Id}:{m.MessageType}:{m.PatternVersion}").ToList();
        return string.Join("|", patterns) + "#" + string.Join("|", outbox);
    }

    private static JsonObject Valid() => PatternBodies.Example($"Hostile input {Guid.NewGuid():N}");

    /// <summary>Whether a value is wrong for a field (some are fine: an injection string is a legal name).</summary>
    private static bool IsInvalid(string field, JsonNode? value) => field switch
    {
        "name" => value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String
                  || v.GetValue<string>().Trim().Length is < 3 or > 200 || v.GetValue<string>().Any(char.IsControl),
        "description" => value is not JsonValue d || d.GetValueKind() != System.Text.Json.JsonValueKind.String
                         || d.GetValue<string>().Trim().Length is 0 or > 4000
                         || d.GetValue<string>().Any(c => char.IsControl(c) && c is not '\n' and not '\t' and not '\r'),
        "context" or "execution_trace" or "success_criteria" or "quality_metrics" or "performance_data" =>
            value is not null and not JsonObject,
        "tags" => value is not null and not JsonArray || value is JsonArray { Count: > 0 },
        _ => true, // pattern_type and status accept none of the bad values
    } && !(field is "tags" && value is JsonArray { Count: 0 });

    private static string Shorten(string? body) => body is null ? "" : body.Length > 60 ? body[..60] + "…" : body;
}
