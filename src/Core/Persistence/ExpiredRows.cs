using Npgsql;

namespace PatternSync.Core.Persistence;

/// <summary>Deletes what a retention has expired (sent outbox rows, old Idempotency-Keys) without long statements.</summary>
public static class ExpiredRows
{
    /// <summary>
    /// Deletes the rows of <paramref name="table"/> whose <paramref name="timestampColumn"/> is before
    /// <paramref name="cutoff"/>, at most <paramref name="batchSize"/> per statement, so no statement holds
    /// many locks or runs long. Null timestamps never expire. Table and column are the caller's constants.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public static async Task<int> DeleteAsync(NpgsqlDataSource dataSource, string table, string timestampColumn, DateTimeOffset cutoff,
        int batchSize, CancellationToken cancellationToken)
    {
        int deleted, total = 0;
        do
        {
            await using var command = dataSource.CreateCommand($"""
                DELETE FROM {table} WHERE ctid IN (
                    SELECT ctid FROM {table} WHERE {timestampColumn} < @cutoff LIMIT @limit)
                """);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("limit", batchSize);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        } while (deleted == batchSize);
        return total;
    }
}
