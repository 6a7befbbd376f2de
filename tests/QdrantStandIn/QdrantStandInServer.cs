using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QdrantStandIn.Grpc;

namespace QdrantStandIn;

/// <summary>
/// An in-process stand-in for tests: it implements only the subset of Qdrant's gRPC API that
/// PatternSync's adapter uses, with real cosine scoring and real filter semantics, so the genuine
/// Qdrant.Client can be exercised end to end on a machine where no Qdrant server can run.
/// It is never a runtime provider: data lives in memory only, search is brute force, and anything
/// outside the implemented subset answers <c>Unimplemented</c>.
/// </summary>
public sealed class QdrantStandInServer : IAsyncDisposable
{
    private const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _app;
    private bool _disposed;

    private QdrantStandInServer()
    {
    }

    /// <summary>The bound port; kept across <see cref="StopAsync"/> so a restart comes back on it.</summary>
    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The in-memory collections; survives stop and restart.</summary>
    public QdrantStandInState State { get; } = new();

    /// <summary>Starts listening on 127.0.0.1 (HTTP/2 cleartext, as Qdrant's gRPC port); port 0 picks a free one.</summary>
    public static async Task<QdrantStandInServer> StartAsync(int port = 0, CancellationToken ct = default)
    {
        var server = new QdrantStandInServer();
        await server._lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await server.ListenAsync(port, ct).ConfigureAwait(false);
        }
        finally
        {
            server._lifecycle.Release();
        }

        return server;
    }

    /// <summary>Stops listening and drops open connections, so clients see Qdrant as down. Data is kept.</summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            await ShutDownAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Listens again on the same port with the same data (stopping first if still running).</summary>
    public async Task RestartAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            await ShutDownAsync().ConfigureAwait(false);
            await ListenAsync(Port, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        _lifecycle.Dispose();
    }

    private async Task ListenAsync(int port, CancellationToken ct)
    {
        // Right after a stop the old listener can take a moment to let go of the port.
        for (var attempt = 1; ; attempt++)
        {
            var app = Build(port);
            try
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                _app = app;
                Port = new Uri(app.Urls.First()).Port;
                return;
            }
            catch (IOException e) when (attempt < 20
                                        && e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                await app.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ShutDownAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
    }

    private WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(QdrantStandInServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The host test project's appsettings.json and ASPNETCORE_* variables are meant for the
        // service under test; they must not reconfigure (or add endpoints to) the stand-in.
        builder.Configuration.Sources.Clear();
        // Test output should show the tests' own logs, not a web host's.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        // In-flight calls get a short grace period; a "Qdrant down" test should not wait long.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(State);
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageBytes;
            options.MaxSendMessageSize = MaxMessageBytes;
            // A handler bug should say what went wrong in the failing test, not just "Unknown".
            options.EnableDetailedErrors = true;
        });

        var app = builder.Build();
        app.MapGrpcService<QdrantHealthService>();
        app.MapGrpcService<CollectionsService>();
        app.MapGrpcService<PointsService>();
        return app;
    }
}
