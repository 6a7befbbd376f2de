using System.Text.Json.Nodes;
using PatternSync.Core.Patterns;

namespace PatternSync.UnitTests;

public sealed class ContextHashTests
{
    // Expected values computed with Python: hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()
    [Fact]
    public void The_seed_context_hashes_as_Python_json_dumps_with_sorted_keys_does() =>
        Assert.Equal("f31365fcdfd8622c5fd71f336a488e767f788cb27acc4038c4347751e2d7d68d",
            ContextHash.Compute(JsonNode.Parse("""{"intent": "optimize API performance", "environment": "FastAPI + PostgreSQL"}""")));

    [Fact]
    public void Nested_values_escapes_and_non_ascii_match_Python()
    {
        var context = JsonNode.Parse("""{"b": [1, 2.5, {"z": true, "a": null}], "a": "caf\u00e9 \"q\"\n\u007f"}""");

        Assert.Equal("""{"a": "caf\u00e9 \"q\"\n\u007f", "b": [1, 2.5, {"a": null, "z": true}]}""", ContextHash.Canonical(context));
        Assert.Equal("a4bea46c5906b35b9b1364080c2084137f1356c79956ad871ffb1410680790bc", ContextHash.Compute(context));
    }

    [Fact]
    public void Key_order_does_not_change_the_hash() =>
        Assert.Equal(ContextHash.Compute(JsonNode.Parse("""{"a": 1, "b": {"c": 2, "d": 3}}""")),
            ContextHash.Compute(JsonNode.Parse("""{"b": {"d": 3, "c": 2}, "a": 1}""")));

    [Fact]
    public void A_different_value_changes_the_hash() =>
        Assert.NotEqual(ContextHash.Compute(JsonNode.Parse("""{"a": 1}""")), ContextHash.Compute(JsonNode.Parse("""{"a": 2}""")));
}
