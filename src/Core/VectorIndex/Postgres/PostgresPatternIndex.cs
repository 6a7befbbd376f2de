using System.Runtime.CompilerServices;
using Npgsql;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;

namespace PatternSync.Core.VectorIndex.Postgres;

/// <summary>
/// The embedded index for runs without Qdrant (VectorIndex:Provider = Postgres): vectors and payloads
/// in the table <c>pattern_vectors</c>, searched exactly (cosine) in memory with the same filters.
/// Writes are single statements guarded by version in SQL, as Qdrant's update_filter guards them.
/// Each process keeps a copy and, before every read, applies the rows written by transactions it has not
/// seen commit yet (<see cref="CommitWatermark"/>), so a write that commits late is never missed.
/// The copy holds only this process's model: rows of another one are refused, never mixed in.
/// Fine for tens of thousands of patterns; Qdrant is the choice beyond that.
/// </summary>
public sealed class PostgresPatternIndex(NpgsqlDataSource dataSource, EmbeddingModel model) : IPatternVectorIndex
{
    private const int RefreshPageSize = 2000;
    private readonly string _modelKey = model.Key;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly InMemoryVectorSet _vectors = new(model.Dimensions);
    private readonly HashSet<Guid> _otherModel = [];
    private CommitWatermark _seen = CommitWatermark.Start;

    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT model FROM pattern_vectors WHERE NOT deleted AND model <> @model LIMIT 1");
        command.Parameters.AddWithValue("model", _modelKey);
        if (await command.ExecuteScalarAsync(cancellationToken) is string other)
            throw new VectorIndexMismatchException(
                $"The embedded index holds vectors of '{other}', but the configured embedder is '{_modelKey}'. Rebuild the index (reindex) for the new model.");
    }

    public async Task UpsertAsync(IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (points.Count == 0) return;
        await using var batch = dataSource.CreateBatch();
        foreach (var point in points)
        {
            if (point.Vector.Length != model.Dimensions)
                throw new ArgumentException($"A vector of {point.Vector.Length} dimensions cannot go into an index of {model.Dimensions}.", nameof(points));
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO pattern_vectors AS v (pattern_id, version, model, embedding, content_hash, pattern_type, status, tags,
                    quality_score, success_rate, match_count, created_at, last_matched_at)
                VALUES (@id, @version, @model, @embedding, @hash, @type, @status, @tags, @quality, @success, @matches, @created, @last)
                ON CONFLICT (pattern_id) DO UPDATE SET version = EXCLUDED.version, deleted = false, model = EXCLUDED.model,
                    embedding = EXCLUDED.embedding, content_hash = EXCLUDED.content_hash, pattern_type = EXCLUDED.pattern_type,
                    status = EXCLUDED.status, tags = EXCLUDED.tags, quality_score = EXCLUDED.quality_score,
                    success_rate = EXCLUDED.success_rate, match_count = EXCLUDED.match_count, created_at = EXCLUDED.created_at,
                    last_matched_at = EXCLUDED.last_matched_at
                WHERE v.version {(replaceSameVersion ? "<=" : "<")} EXCLUDED.version
                """);
            AddPayload(command, point.Payload);
            command.Parameters.AddWithValue("model", _modelKey);
            command.Parameters.AddWithValue("embedding", InMemoryVectorSet.Normalise(point.Vector.ToArray()));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetPayloadAsync(IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (payloads.Count == 0) return;
        await using var batch = dataSource.CreateBatch();
        foreach (var payload in payloads)
        {
            var command = new NpgsqlBatchCommand($"""
                UPDATE pattern_vectors SET version = @version, content_hash = @hash, pattern_type = @type, status = @status, tags = @tags,
                    quality_score = @quality, success_rate = @success, match_count = @matches, created_at = @created,
                    last_matched_at = @last
                WHERE pattern_id = @id AND NOT deleted AND content_hash = @hash AND version {(replaceSameVersion ? "<=" : "<")} @version
                """);
            AddPayload(command, payload);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default)
    {
        if (deletions.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            UPDATE pattern_vectors v SET deleted = true, embedding = NULL, version = d.version
            FROM unnest(@ids, @versions) AS d(id, version)
            WHERE v.pattern_id = d.id AND NOT v.deleted AND v.version < d.version
            """);
        command.Parameters.AddWithValue("ids", deletions.Select(d => d.PatternId).ToArray());
        command.Parameters.AddWithValue("versions", deletions.Select(d => d.Version).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            UPDATE pattern_vectors SET deleted = true, embedding = NULL
            WHERE pattern_id = ANY(@ids) AND NOT deleted
            """);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        var held = new Dictionary<Guid, IndexedPoint>();
        if (ids.Count == 0) return held;
        await using var command = dataSource.CreateCommand("SELECT pattern_id, version, content_hash FROM pattern_vectors WHERE pattern_id = ANY(@ids) AND NOT deleted");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            held[reader.GetGuid(0)] = new IndexedPoint(reader.GetGuid(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return held;
    }

    public async IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<IndexedPoint>(pageSize);
            await using (var command = dataSource.CreateCommand(
                "SELECT pattern_id, version, content_hash FROM pattern_vectors WHERE NOT deleted AND pattern_id > @after ORDER BY pattern_id LIMIT @limit"))
            {
                command.Parameters.AddWithValue("after", after);
                command.Parameters.AddWithValue("limit", pageSize);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    page.Add(new IndexedPoint(reader.GetGuid(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
            if (page.Count > 0) yield return page;
            if (page.Count < pageSize) yield break;
            after = page[^1].PatternId;
        }
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, PatternFilter filter, int limit, float scoreThreshold, CancellationToken cancellationToken = default)
    {
        if (vector.Length != model.Dimensions)
            throw new ArgumentException($"A query of {vector.Length} dimensions cannot search an index of {model.Dimensions}.", nameof(vector));
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(cancellationToken);
            if (_otherModel.Count > 0)
                throw new VectorIndexMismatchException(
                    $"The embedded index holds {_otherModel.Count} vectors of another model than '{_modelKey}' (a rebuild for another model is running or this host is not on the index's model yet).");
            return _vectors.Search(vector.Span, filter, limit, scoreThreshold);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<long> CountAsync(PatternFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(cancellationToken);
            return _vectors.Count(filter ?? PatternFilter.None);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var count = await CountAsync(cancellationToken: cancellationToken);
        return new VectorIndexInfo("postgres", "pattern_vectors", "green", count, count, model.Dimensions);
    }

    /// <summary>
    /// Applies the rows written by every transaction that had not committed at the last refresh, page by page in
    /// change_seq order (the LIMIT keeps each read bounded at start-up). The watermark is taken before the rows are
    /// read, so a transaction committing in between is read again next time rather than skipped.
    /// </summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var next = await CommitWatermark.TakeAsync(dataSource, cancellationToken);
        var after = 0L;
        int read;
        do
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT pattern_id, change_seq, deleted, version, embedding, content_hash, pattern_type, status, tags,
                       quality_score, success_rate, match_count, created_at, last_matched_at, model
                FROM pattern_vectors WHERE ({CommitWatermark.NotSeenBefore("writer_xid")}) AND change_seq > @after
                ORDER BY change_seq LIMIT @page
                """);
            _seen.AddParameters(command);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("page", RefreshPageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            for (read = 0; await reader.ReadAsync(cancellationToken); read++)
            {
                after = reader.GetInt64(1);
                Apply(reader);
            }
        } while (read == RefreshPageSize);
        _seen = next;
    }

    private void Apply(NpgsqlDataReader reader)
    {
        var id = reader.GetGuid(0);
        var removed = reader.GetBoolean(2) || reader.IsDBNull(4);
        var otherModel = !removed && reader.GetString(14) != _modelKey;
        if (otherModel) _otherModel.Add(id);
        else _otherModel.Remove(id);
        var payload = removed || otherModel ? null : new PatternPayload(
            id, reader.GetString(6), reader.GetInt32(3), reader.GetString(7), reader.GetFieldValue<string[]>(8), reader.GetDouble(9),
            reader.IsDBNull(10) ? null : reader.GetDouble(10), reader.GetInt32(11), reader.GetInt64(12),
            reader.IsDBNull(13) ? null : reader.GetInt64(13), reader.GetString(5));
        _vectors.Apply(id, reader.GetInt64(1), payload, payload is null ? null : reader.GetFieldValue<float[]>(4));
    }

    private static void AddPayload(NpgsqlBatchCommand command, PatternPayload payload)
    {
        command.Parameters.AddWithValue("id", payload.PatternId);
        command.Parameters.AddWithValue("version", payload.Version);
        command.Parameters.AddWithValue("hash", payload.ContentHash);
        command.Parameters.AddWithValue("type", payload.PatternType);
        command.Parameters.AddWithValue("status", payload.Status);
        command.Parameters.AddWithValue("tags", payload.Tags.ToArray());
        command.Parameters.AddWithValue("quality", payload.QualityScore);
        command.Parameters.AddWithValue("success", (object?)payload.SuccessRate ?? DBNull.Value);
        command.Parameters.AddWithValue("matches", payload.MatchCount);
        command.Parameters.AddWithValue("created", payload.CreatedAt);
        command.Parameters.AddWithValue("last", (object?)payload.LastMatchedAt ?? DBNull.Value);
    }
}
