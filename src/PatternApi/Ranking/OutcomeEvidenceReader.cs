using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Embeddings;

namespace PatternSync.PatternApi.Ranking;

/// <summary>
/// The newest outcomes of a match's candidates. Kept in memory per pattern version: every outcome advances the version,
/// so a pattern whose row is at the cached version has no outcome the cache lacks. The misses are read in one query.
/// </summary>
public sealed class OutcomeEvidenceReader(NpgsqlDataSource dataSource, EmbeddingModel model, IOptions<RankingOptions> options)
    : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.EvidenceCacheBytes });

    private sealed record Cached(int Version, List<OutcomeEvidence> Outcomes);

    /// <param name="candidates">Each pattern with the version its row was read at.</param>
    public async Task<Dictionary<Guid, List<OutcomeEvidence>>> ReadAsync(
        IReadOnlyList<(Guid PatternId, int Version)> candidates, CancellationToken cancellationToken)
    {
        var evidence = new Dictionary<Guid, List<OutcomeEvidence>>(candidates.Count);
        var misses = new List<(Guid PatternId, int Version)>();
        foreach (var (id, version) in candidates)
        {
            if (_cache.TryGetValue(id, out Cached? cached) && cached!.Version == version) evidence[id] = cached.Outcomes;
            else misses.Add((id, version));
        }
        if (misses.Count == 0) return evidence;

        var read = await QueryAsync(misses.Select(m => m.PatternId).ToArray(), cancellationToken);
        foreach (var (id, version) in misses)
        {
            var outcomes = read.GetValueOrDefault(id) ?? [];
            evidence[id] = outcomes;
            // Read after the row: it holds at least the outcomes of that version; at worst a newer one, found again later.
            _cache.Set(id, new Cached(version, outcomes), new MemoryCacheEntryOptions { Size = SizeOf(outcomes) });
        }
        return evidence;
    }

    private async Task<Dictionary<Guid, List<OutcomeEvidence>>> QueryAsync(Guid[] patternIds, CancellationToken cancellationToken)
    {
        // Another model's query vectors measure nothing against this query: such outcomes count as of unknown query.
        await using var command = dataSource.CreateCommand("""
            SELECT o.pattern_id, o.success, o.recorded_at, CASE WHEN o.embedding_model = @model THEN o.query_embedding END
            FROM unnest(@ids) AS c(id)
            CROSS JOIN LATERAL (
                SELECT pattern_id, success, recorded_at, embedding_model, query_embedding FROM pattern_outcomes
                WHERE pattern_id = c.id ORDER BY id DESC LIMIT @per_pattern) o
            """);
        command.Parameters.AddWithValue("ids", patternIds);
        command.Parameters.AddWithValue("model", model.Key);
        command.Parameters.AddWithValue("per_pattern", options.Value.MaxOutcomesPerPattern);
        var evidence = new Dictionary<Guid, List<OutcomeEvidence>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (!evidence.TryGetValue(id, out var outcomes)) evidence[id] = outcomes = [];
            outcomes.Add(new OutcomeEvidence(reader.GetBoolean(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<float[]>(3)));
        }
        return evidence;
    }

    private static long SizeOf(List<OutcomeEvidence> outcomes) =>
        64 + outcomes.Sum(o => 32L + sizeof(float) * (o.QueryEmbedding?.Length ?? 0));

    public void Dispose() => _cache.Dispose();
}
