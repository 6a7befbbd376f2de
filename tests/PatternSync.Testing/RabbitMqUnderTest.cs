using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace PatternSync.Testing;

/// <summary>
/// The RabbitMQ the tests use: a Testcontainers broker where a Docker engine answers, otherwise the
/// one ops/services.sh started. <see cref="Description"/> says which, for the test output.
/// Tests isolate themselves with an entity prefix of their own.
/// </summary>
public sealed class RabbitMqUnderTest : IAsyncDisposable
{
    private readonly RabbitMqContainer? _container;

    private RabbitMqUnderTest(RabbitMqContainer? container, string host, int port, string description)
    {
        _container = container;
        Host = host;
        Port = port;
        Description = description;
    }

    public string Host { get; }
    public int Port { get; }
    public string Description { get; }

    public static async Task<RabbitMqUnderTest> StartAsync()
    {
        try
        {
            var container = new RabbitMqBuilder("rabbitmq:3.13-management").WithUsername("guest").WithPassword("guest").Build();
            await container.StartAsync();
            return new RabbitMqUnderTest(container, container.Hostname, container.GetMappedPublicPort(5672),
                "RabbitMQ in a Testcontainers container");
        }
        catch (Exception e) when (e is DockerUnavailableException or ArgumentException or InvalidOperationException)
        {
            return new RabbitMqUnderTest(null, "127.0.0.1", TestServices.RabbitMqPort,
                $"RabbitMQ started by ops/services.sh on 127.0.0.1:{TestServices.RabbitMqPort} (no Docker engine answered)");
        }
    }

    /// <summary>Stops the broker (fault drills); <see cref="StartBrokerAsync"/> brings it back with its data.</summary>
    public async Task StopBrokerAsync()
    {
        if (_container is not null) await _container.StopAsync();
        else await TestServices.RunScriptAsync("stop-rabbitmq");
    }

    public async Task StartBrokerAsync()
    {
        if (_container is not null) await _container.StartAsync();
        else await TestServices.RunScriptAsync("start-rabbitmq");
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
