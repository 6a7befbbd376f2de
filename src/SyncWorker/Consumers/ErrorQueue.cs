using MassTransit;
using PatternSync.Core.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PatternSync.SyncWorker.Consumers;

/// <summary>The worker's error queues ({queue}_error): moving one message of a batch there, and replaying them.</summary>
public static class ErrorQueue
{
    /// <summary>Moves one message of a batch to its endpoint's error queue, keeping its body and headers.</summary>
    public static async Task MoveAsync<T>(ConsumeContext<T> message, string reason) where T : class
    {
        var queue = message.ReceiveContext.InputAddress.AbsolutePath.Trim('/').Split('/')[^1];
        var errors = await message.GetSendEndpoint(new Uri($"queue:{queue}_error"));
        await errors.Send(message.Message, send =>
        {
            send.MessageId = message.MessageId;
            send.Headers.Set("MT-Reason", "rejected");
            send.Headers.Set("MT-Fault-Message", reason);
        });
    }

    /// <summary>
    /// Moves the messages waiting in each queue's error queue back to the queue, as they are (minus the fault
    /// headers), each acknowledged only once the broker confirmed its copy. Only the messages there at the start
    /// move, so one that fails again is not replayed in a loop.
    /// </summary>
    /// <returns>How many messages each queue got back.</returns>
    public static async Task<IReadOnlyList<(string Queue, int Moved)>> ReplayAsync(RabbitMqOptions options, IEnumerable<string> queues,
        CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = options.Host, Port = options.Port, VirtualHost = options.VirtualHost,
            UserName = options.Username, Password = options.Password,
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var replayed = new List<(string, int)>();
        foreach (var queue in queues)
        {
            // A channel per queue: asking for an error queue that was never declared closes the channel.
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
            uint waiting;
            try
            {
                waiting = (await channel.QueueDeclarePassiveAsync(queue + "_error", cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                replayed.Add((queue, 0));
                continue;
            }
            var moved = 0;
            while (moved < waiting && await channel.BasicGetAsync(queue + "_error", autoAck: false, cancellationToken) is { } message)
            {
                var properties = new BasicProperties(message.BasicProperties);
                foreach (var header in properties.Headers?.Keys.Where(k => k.StartsWith("MT-Fault-") || k == "MT-Reason").ToList() ?? [])
                    properties.Headers!.Remove(header);
                // Mandatory, and awaited until confirmed: a message that cannot reach the queue stays in the error queue.
                await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                moved++;
            }
            replayed.Add((queue, moved));
        }
        return replayed;
    }
}
