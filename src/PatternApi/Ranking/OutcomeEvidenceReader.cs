using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Embeddings;

namespace PatternSync.PatternApi.Ranking;

/// <summary>Reads the newest outcomes of every candidate of a match in one query (index on pattern_id, id).</summary>
public sealed class OutcomeEvidenceReader(NpgsqlDataSource dataSource, EmbeddingModel model, IOptions<RankingOptions> options)
{
    public async Task<Dictionary<Guid, List<OutcomeEvidence>>> ReadAsync(
        IReadOnlyList<Guid> patternIds, CancellationToken cancellationToken)
    {
        // Another model's query vectors measure nothing against this query: such outcomes count as of unknown query.
        await using var command = dataSource.CreateCommand("""
            SELECT o.pattern_id, o.success, o.recorded_at, CASE WHEN o.embedding_model = @model THEN o.query_embedding END
            FROM unnest(@ids) AS c(id)
            CROSS JOIN LATERAL (
                SELECT pattern_id, success, recorded_at, embedding_model, query_embedding FROM pattern_outcomes
                WHERE pattern_id = c.id ORDER BY id DESC LIMIT @per_pattern) o
            """);
        command.Parameters.AddWithValue("ids", patternIds.ToArray());
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
}
