using System.ComponentModel.DataAnnotations;

namespace PatternSync.Core.Messaging;

/// <summary>Section "RabbitMq": the broker, and the names PatternSync uses on it.</summary>
public sealed class RabbitMqOptions
{
    [Required]
    public string Host { get; set; } = "127.0.0.1";
    [Range(1, 65535)]
    public int Port { get; set; } = 55672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
    /// <summary>Prefixed to every exchange and queue name, so several deployments (or test runs) can share one broker.</summary>
    [RegularExpression("^[a-zA-Z0-9._-]*$")]
    public string EntityPrefix { get; set; } = "";
    /// <summary>The sync worker's queue; the API declares and binds it too, so no event is dropped before a worker starts.</summary>
    [Required]
    public string SyncQueue { get; set; } = "pattern-sync";

    public string SyncQueueName => EntityPrefix + SyncQueue;
}
