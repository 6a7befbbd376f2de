using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// A consumer that knows nothing of MassTransit: the plain RabbitMQ client, a queue of its own bound
/// to the events' fanout exchanges, and JSON bodies. What a consumer in any language would do.
/// </summary>
public sealed class RawEventQueue : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;

    private RawEventQueue(IConnection connection, IChannel channel, string queue) =>
        (_connection, _channel, _queue) = (connection, channel, queue);

    private static Task<IConnection> ConnectAsync(string host, int port) =>
        new ConnectionFactory { HostName = host, Port = port, UserName = "guest", Password = "guest" }.CreateConnectionAsync();

    public static async Task<RawEventQueue> BindAsync(string host, int port, IEnumerable<string> exchanges)
    {
        var connection = await ConnectAsync(host, port);
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var exchange in exchanges)
        {
            // Declaring is idempotent with the publisher's own arguments (durable fanout).
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, routingKey: "");
        }
        return new RawEventQueue(connection, channel, queue);
    }

    /// <summary>
    /// Publishes a body as-is to an exchange (or, with the default exchange "", to the queue named by the routing key),
    /// the way a foreign or broken producer would.
    /// </summary>
    public static async Task PublishAsync(
        string host, int port, string exchange, string body, string messageType, string routingKey = "")
    {
        await using var connection = await ConnectAsync(host, port);
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties
        {
            ContentType = "application/json", MessageId = Guid.NewGuid().ToString(), Persistent = true,
            Headers = new Dictionary<string, object?> { ["MT-MessageType"] = messageType },
        };
        await channel.BasicPublishAsync(exchange, routingKey, false, properties, System.Text.Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Declares a durable queue as MassTransit declares its error queues (nothing changes when it exists).</summary>
    public static async Task DeclareAsync(string host, int port, string queue)
    {
        await using var connection = await ConnectAsync(host, port);
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    }

    /// <summary>How many messages wait in a queue.</summary>
    public static async Task<uint> CountAsync(string host, int port, string queue)
    {
        await using var connection = await ConnectAsync(host, port);
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>Removes a test run's queues and exchanges from a shared broker.</summary>
    public static async Task DeleteEntitiesAsync(string host, int port, IEnumerable<string> queues, IEnumerable<string> exchanges)
    {
        await using var connection = await ConnectAsync(host, port);
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in queues)
        {
            await channel.QueueDeleteAsync(queue);
            await channel.ExchangeDeleteAsync(queue);
        }
        foreach (var exchange in exchanges) await channel.ExchangeDeleteAsync(exchange);
    }

    /// <summary>Everything that is in the queue now.</summary>
    public async Task<List<RawEvent>> DrainAsync()
    {
        var events = new List<RawEvent>();
        while (await _channel.BasicGetAsync(_queue, autoAck: true) is { } message)
            events.Add(new RawEvent(message.BasicProperties.MessageId, message.Exchange, message.BasicProperties.ContentType,
                JsonNode.Parse(message.Body.Span)!.AsObject()));
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
    }
}

public sealed record RawEvent(string? MessageId, string Exchange, string? ContentType, JsonObject Body);
