using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

public sealed class ShortTimeoutApiFixture : PatternApiFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Api:RequestTimeout"] = "00:00:01",
    };
}

/// <summary>A request that cannot finish within Api:RequestTimeout is cut off with a 503 and writes nothing.</summary>
public sealed class RequestTimeoutTests(ShortTimeoutApiFixture api) : IClassFixture<ShortTimeoutApiFixture>
{
    [Fact]
    public async Task A_write_stuck_behind_a_row_lock_gets_503_after_the_timeout_and_writes_nothing()
    {
        var client = api.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(15); // without the server's timeout the PATCH would wait for the lock forever
        var created = await client.CreateAsync(PatternBodies.Example($"Locked {Guid.NewGuid():N}"));
        var id = created["pattern_id"]!.GetValue<Guid>();

        // Another session holds the pattern's row, as a long transaction elsewhere would.
        await using var holder = new NpgsqlConnection(api.Database.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        const string lockSql = "SELECT 1 FROM success_patterns WHERE pattern_id = @id FOR UPDATE";
        await using (var lockRow = new NpgsqlCommand(lockSql, holder, transaction))
        {
            lockRow.Parameters.AddWithValue("id", id);
            await lockRow.ExecuteScalarAsync();
        }

        var rename = new System.Text.Json.Nodes.JsonObject { ["name"] = "Renamed while locked" };
        var patch = await client.PatchAsync($"/api/v1/patterns/{id}", PatternRequests.Json(rename, "application/merge-patch+json"));
        await transaction.RollbackAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, patch.StatusCode);
        Assert.Equal("application/problem+json", patch.Content.Headers.ContentType?.MediaType);
        await using var db = api.Database.CreateDbContext();
        var row = await db.Patterns.SingleAsync(p => p.PatternId == id);
        Assert.Equal(1, row.Version);
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.PatternId == id));
    }
}
