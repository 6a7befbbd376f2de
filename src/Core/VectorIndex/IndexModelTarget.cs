using Npgsql;
using PatternSync.Core.Embeddings;

namespace PatternSync.Core.VectorIndex;

/// <summary>
/// The embedding model the index is meant to hold, kept in PostgreSQL. Only a deliberate reindex changes it, so
/// while workers on two models run side by side (a rollout), reconciliation rebuilds an index of another model
/// only on a worker of the target model, and the index cannot flip back and forth between them.
/// </summary>
public sealed class IndexModelTarget(NpgsqlDataSource dataSource, EmbeddingModel model)
{
    /// <summary>This host's model, as the target names it.</summary>
    public string Own => model.Key;

    public async Task<string?> GetAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT model FROM index_model_target");
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>A deliberate reindex makes this host's model the target.</summary>
    public Task ChooseOwnAsync(CancellationToken cancellationToken) => RecordAsync("""
        INSERT INTO index_model_target (model, reason) VALUES (@model, 'reindex')
        ON CONFLICT (singleton) DO UPDATE SET model = EXCLUDED.model, recorded_at = now(), reason = EXCLUDED.reason
        """, cancellationToken);

    /// <summary>An index found on this host's model becomes the target when none was recorded yet (a new or upgraded install).</summary>
    public Task AdoptOwnIfUnsetAsync(CancellationToken cancellationToken) => RecordAsync("""
        INSERT INTO index_model_target (model, reason) VALUES (@model, 'in use') ON CONFLICT (singleton) DO NOTHING
        """, cancellationToken);

    private async Task RecordAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("model", Own);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
