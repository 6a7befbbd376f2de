using PatternSync.Core.Filters;
using PatternSync.Core.LexicalIndex;
using PatternSync.Core.VectorIndex;

namespace PatternSync.UnitTests;

public sealed class LexicalIndexTests : IDisposable
{
    private readonly LexicalDocuments _documents = new();

    [Theory]
    [InlineData("run gh-ost with --max-lag-millis=1500", "--max-lag-millis", "max", "lag", "millis")]
    [InlineData("set pool_pre_ping on the engine", "pool_pre_ping", "pool", "pre", "ping")]
    [InlineData("pg_stat_statements.track = all", "pg_stat_statements.track", "stat", "statements", "track")]
    [InlineData("send X-Request-Id downstream", "x-request-id", "request", "id")]
    [InlineData("maxBatchSize of the DataLoader", "maxbatchsize", "max", "batch", "size", "dataloader")]
    public void Identifiers_are_kept_whole_and_split_into_their_words(string text, params string[] expected)
    {
        var tokens = IdentifierTokens.Tokenize(text);

        Assert.All(expected, token => Assert.Contains(token, tokens));
    }

    [Fact]
    public void Stop_words_are_dropped_unless_they_are_part_of_an_identifier()
    {
        var tokens = IdentifierTokens.Tokenize("the cache is at the edge of if-none-match");

        Assert.DoesNotContain("the", tokens);
        Assert.DoesNotContain("is", tokens);
        Assert.Contains("if-none-match", tokens);
    }

    [Fact]
    public void A_query_matches_any_of_its_terms_and_the_rarer_term_weighs_more()
    {
        var common = Apply("Cache the catalog in Redis with a TTL");
        var rare = Apply("Cache sessions; evict with volatile-lru");
        Apply("Cache the product pages in Redis");

        var hits = _documents.Search("what does volatile-lru do to the redis cache", PatternFilter.None, 10);

        Assert.Equal(rare, hits[0].PatternId);
        Assert.Contains(common, hits.Select(h => h.PatternId));
        Assert.Equal([1, 2, 3], hits.Select(h => h.Rank));
    }

    [Fact]
    public void The_filter_is_applied_before_the_top_is_cut()
    {
        var archived = Enumerable.Range(0, 20).Select(_ => Apply("volatile-lru volatile-lru eviction", status: "archived")).ToList();
        var active = Apply("eviction notes mention volatile-lru once among many other words about caches");

        var hits = _documents.Search("volatile-lru", new PatternFilter { Statuses = ["active"] }, 1);

        Assert.Equal(active, Assert.Single(hits).PatternId);
        Assert.DoesNotContain(hits, h => archived.Contains(h.PatternId));
    }

    [Fact]
    public void A_change_replaces_the_text_a_deletion_removes_it_and_an_older_change_is_ignored()
    {
        var id = Guid.NewGuid();
        _documents.Apply(id, 1, Payload(id, "a"), () => "uses pool_pre_ping");
        _documents.Apply(id, 3, Payload(id, "b"), () => "uses lease_timeout");
        _documents.Apply(id, 2, Payload(id, "c"), () => "uses pool_pre_ping");

        Assert.Empty(_documents.Search("pool_pre_ping", PatternFilter.None, 10));
        Assert.Equal(id, Assert.Single(_documents.Search("lease_timeout", PatternFilter.None, 10)).PatternId);

        _documents.Apply(id, 4, payload: null, () => "");
        Assert.Empty(_documents.Search("lease_timeout", PatternFilter.None, 10));
    }

    private Guid Apply(string text, string status = "active")
    {
        var id = Guid.NewGuid();
        _documents.Apply(id, 1, Payload(id, text, status), () => text);
        return id;
    }

    private static PatternPayload Payload(Guid id, string contentHash, string status = "active") =>
        new(id, "caching", 1, status, [], 0.5, null, 0, 0, null, contentHash);

    public void Dispose() => _documents.Dispose();
}
