using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PatternSync.Core.Filters;
using PatternSync.Core.LexicalIndex;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;

namespace PatternSync.IndexTests;

/// <summary>
/// The lexical index on the real PostgreSQL, migrated by the project's migrations: what it holds follows the table,
/// commits that land late, deletions and a TRUNCATE included.
/// </summary>
public sealed class PatternLexicalIndexTests(PostgresIndexFixture fixture) : IClassFixture<PostgresIndexFixture>, IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private PatternLexicalIndex _index = null!;

    public Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddDbContext<PatternDbContext>(options => options.UsePatternDatabase(fixture.DataSource))
            .BuildServiceProvider();
        _index = NewIndex();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _index.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_pattern_whose_transaction_commits_late_is_found_once_it_commits()
    {
        var code = Code();
        await using var late = fixture.Database.CreateDbContext();
        await using var transaction = await late.Database.BeginTransactionAsync();
        var early = Pattern($"Retries stop at {code}.");
        late.Patterns.Add(early);
        await late.SaveChangesAsync();

        Assert.Empty(await FoundAsync(code));
        var committed = await AddAsync($"Renewals fail with {code}.");
        Assert.Equal([committed], await FoundAsync(code));

        await transaction.CommitAsync();
        Assert.Equal(new[] { committed, early.PatternId }.Order(), (await FoundAsync(code)).Order());
    }

    [Fact]
    public async Task A_deletion_leaves_the_index_and_another_process_loads_only_what_is_left()
    {
        var code = Code();
        var kept = await AddAsync($"Workers log {code} and move on.");
        var deleted = await AddAsync($"Workers stop at {code}.");
        Assert.Equal(2, (await FoundAsync(code)).Count);

        await using (var db = fixture.Database.CreateDbContext())
            await db.Patterns.Where(p => p.PatternId == deleted).ExecuteDeleteAsync();

        Assert.Equal([kept], await FoundAsync(code));
        using var otherProcess = NewIndex();
        Assert.Equal([kept], (await otherProcess.SearchAsync(code, PatternFilter.None, 10)).Select(m => m.PatternId));
    }

    [Fact]
    public async Task A_truncate_empties_the_index()
    {
        var code = Code();
        await AddAsync($"Caches expire at {code}.");
        Assert.Single(await FoundAsync(code));

        await fixture.Database.ExecuteAsync("TRUNCATE success_patterns CASCADE");

        Assert.Empty(await FoundAsync(code));
        var added = await AddAsync($"Caches refresh at {code}.");
        Assert.Equal([added], await FoundAsync(code));
    }

    private PatternLexicalIndex NewIndex() => new(fixture.DataSource, _services.GetRequiredService<IServiceScopeFactory>(),
        Options.Create(new LexicalIndexOptions()), TimeProvider.System);

    /// <summary>A word no other pattern holds, and one token (letters only: no parts to share with another code).</summary>
    private static string Code() => "zq" + new string(Enumerable.Range(0, 10).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());

    private async Task<List<Guid>> FoundAsync(string query) =>
        (await _index.SearchAsync(query, PatternFilter.None, 10)).Select(m => m.PatternId).ToList();

    private async Task<Guid> AddAsync(string description)
    {
        var pattern = Pattern(description);
        await using var db = fixture.Database.CreateDbContext();
        db.Patterns.Add(pattern);
        await db.SaveChangesAsync();
        return pattern.PatternId;
    }

    private static SuccessPattern Pattern(string description)
    {
        var now = DateTimeOffset.UtcNow;
        var pattern = new SuccessPattern
        {
            PatternId = Guid.CreateVersion7(), PatternType = "caching", Name = "Lexical test pattern", Description = description,
            ContextHash = new string('0', 64), ExecutionTrace = """{"steps": []}""", SuccessCriteria = "{}", QualityMetrics = "{}",
            PerformanceData = "{}", Tags = [], Status = "active", Version = 1, ContentHash = "", CreatedAt = now, UpdatedAt = now,
        };
        pattern.RefreshDerivedFields();
        return pattern;
    }
}
