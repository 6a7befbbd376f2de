using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Hosting;
using PatternSync.Core.Outbox;
using PatternSync.Core.Persistence;
using PatternSync.Core.Serialization;

namespace PatternSync.PatternApi.Outbox;

/// <summary>
/// Publishes committed outbox rows (claimed with SKIP LOCKED) and marks them sent in the same transaction: at least once.
/// Failed rows back off, but not for a broker outage, which is not their fault: every row is tried each poll, so the relay
/// catches up as soon as the broker returns. A row that fails <see cref="OutboxOptions.MaxAttempts"/> times on its own is a dead letter.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource, IBus bus, OutboxSignal signal, IOptions<OutboxOptions> options,
    TimeProvider clock, ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;
    private bool _failing;
    private bool _brokerUnreachable;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RelayEnabled) return;
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Drain: a pass takes one row per pattern, so a busy pattern needs several passes.
                while (await RelayBatchAsync(stoppingToken) > 0) { }
                await PruneIfDueAsync(stoppingToken);
                Recovered();
                backoff = TimeSpan.FromSeconds(1);
                // While the broker is away, new commits must not turn into back-to-back failing passes.
                if (_brokerUnreachable) await Task.Delay(_options.PollInterval, clock, stoppingToken);
                else await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.IO.IOException or InvalidOperationException)
            {
                Failing(e, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <returns>How many rows the pass claimed; 0 also when the broker did not answer.</returns>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await OutboxSql.ClaimAsync(connection, transaction, _options.BatchSize, ignoreBackoff: _brokerUnreachable,
            cancellationToken);
        if (rows.Count == 0) return 0;

        // One pass holds at most one row per pattern, so publishing them concurrently keeps per-pattern order.
        var outcomes = await Task.WhenAll(rows.Select(row => PublishAsync(row, cancellationToken)));
        var now = clock.GetUtcNow();
        var published = outcomes.Where(o => o.Error is null).Select(o => o.Row.Id).ToList();
        var failures = outcomes.Where(o => o.Error is not null)
            .Select(o => new OutboxFailure(o.Row.Id, o.Error!, now + RetryDelay(o.Row.Attempts),
                RowAtFault: !o.BrokerFault, DeadLetter: LastAttempt(o)))
            .ToList();
        var brokerDown = published.Count == 0 && outcomes.Any(o => o.BrokerFault);
        var brokerBack = published.Count > 0 && _brokerUnreachable;
        await OutboxSql.MarkSentAsync(connection, transaction, published, cancellationToken);
        await OutboxSql.MarkFailedAsync(connection, transaction, failures, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (brokerDown)
        {
            if (!_brokerUnreachable) LogBrokerUnreachable(outcomes.First(o => o.BrokerFault).Error!);
            _brokerUnreachable = true;
            return 0;
        }
        if (brokerBack)
        {
            _brokerUnreachable = false;
            LogBrokerReachable(await OutboxSql.RetryWaitingNowAsync(dataSource, cancellationToken));
        }
        if (failures.Count > 0) LogPublishFailed(failures.Count, rows.Count, failures[0].Error);
        foreach (var dead in outcomes.Where(o => o.Error is not null && LastAttempt(o)))
            LogDeadLettered(dead.Row.Id, dead.Row.MessageType, dead.Row.PatternId, dead.Row.PatternVersion, dead.Row.Attempts + 1,
                dead.Error!);
        return rows.Count;
    }

    /// <returns>The row and, when it was not published, why, and whether the broker (not the row) failed.</returns>
    private async Task<(OutboxRow Row, string? Error, bool BrokerFault)> PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        if (!PatternEventTypes.ByName.TryGetValue(row.MessageType, out var type))
            return (row, $"Unknown message type '{row.MessageType}'.", false);
        object message;
        try
        {
            message = JsonSerializer.Deserialize(row.Payload, type, PatternJson.Options)!;
        }
        catch (JsonException e)
        {
            return (row, $"{e.GetType().Name}: {e.Message}", false);
        }
        // The publish continues the trace of the request that wrote the row; MassTransit carries it to the consumers.
        ActivityContext.TryParse(row.TraceParent, null, out var writer);
        using var activity = Tracing.Outbox.StartActivity($"publish {row.MessageType}", ActivityKind.Producer, writer);
        activity?.SetTag("messaging.message.id", row.MessageId)
            .SetTag("pattern.id", row.PatternId)
            .SetTag("pattern.version", row.PatternVersion);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.PublishTimeout);
            await bus.Publish(message, type, context => context.MessageId = row.MessageId, timeout.Token);
            return (row, null, false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return (row, $"{e.GetType().Name}: {e.Message}", true);
        }
    }

    /// <summary>A row that failed on its own for the last allowed time; a broker that does not answer is not the row's attempt.</summary>
    private bool LastAttempt((OutboxRow Row, string? Error, bool BrokerFault) outcome) =>
        !outcome.BrokerFault && outcome.Row.Attempts + 1 >= _options.MaxAttempts;

    private TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks << Math.Min(attempts, 20), _options.MaxRetryDelay.Ticks));

    private async Task PruneIfDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextPrune) return;
        _nextPrune = now + _options.PruneInterval;
        var cutoff = now - _options.SentRetention;
        var pruned = await ExpiredRows.DeleteAsync(dataSource, "outbox_messages", "sent_at", cutoff, _options.PruneBatchSize,
            cancellationToken);
        if (pruned > 0) LogPruned(pruned, cutoff);
    }

    private void Failing(Exception e, TimeSpan retryIn)
    {
        if (!_failing) LogRelayDown(e, retryIn);
        _failing = true;
    }

    private void Recovered()
    {
        if (_failing) LogRelayRecovered();
        _failing = false;
    }

    [LoggerMessage(LogLevel.Warning,
        "Outbox relay cannot reach the database; retrying with backoff from {RetryIn} (logged once per outage)")]
    private partial void LogRelayDown(Exception exception, TimeSpan retryIn);

    [LoggerMessage(LogLevel.Information, "Outbox relay recovered")]
    private partial void LogRelayRecovered();

    [LoggerMessage(LogLevel.Warning,
        "Outbox relay could not publish {Failed} of {Claimed} rows; they will be retried with backoff. First error: {Error}")]
    private partial void LogPublishFailed(int failed, int claimed, string error);

    [LoggerMessage(LogLevel.Error,
        "Outbox row {Id} ({MessageType} for pattern {PatternId} version {Version}) is a dead letter after {Attempts} attempts, "
        + "never to be published; the pattern's later rows go on and reconciliation repairs its index entry. Last error: {Error}")]
    private partial void LogDeadLettered(long id, string messageType, Guid patternId, int version, int attempts, string error);

    [LoggerMessage(LogLevel.Warning, "Outbox relay cannot reach the broker; every row is tried again each poll interval until it answers "
        + "(logged once per outage). First error: {Error}")]
    private partial void LogBrokerUnreachable(string error);

    [LoggerMessage(LogLevel.Information, "Outbox relay reaches the broker again; {Waiting} rows waiting for a retry are tried now")]
    private partial void LogBrokerReachable(int waiting);

    [LoggerMessage(LogLevel.Information, "Pruned {Count} outbox rows sent before {Cutoff}")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);
}
