using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Outbox;

namespace PatternSync.PatternApi.Outbox;

/// <summary>
/// Holds a connection that LISTENs on <see cref="OutboxChannel.Name"/>; every commit that inserted
/// outbox rows NOTIFYs it, and the relay wakes at once. If the connection drops, the relay's poll
/// covers the gap and the listener reconnects with backoff.
/// </summary>
public sealed partial class OutboxListener(
    NpgsqlDataSource dataSource, OutboxSignal signal, IOptions<OutboxOptions> options, ILogger<OutboxListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RelayEnabled || !options.Value.ListenForNotifications) return;
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Notify();
                await using (var listen = new NpgsqlCommand($"LISTEN {OutboxChannel.Name}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                LogListening(OutboxChannel.Name);
                delay = TimeSpan.FromSeconds(1);
                signal.Notify(); // rows may have been committed while we were not listening
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.IO.IOException)
            {
                LogListenFailed(e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Outbox relay listening for notifications on {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(LogLevel.Warning, "Outbox notifications unavailable ({Error}); polling until reconnected in {Delay}")]
    private partial void LogListenFailed(string error, TimeSpan delay);
}
