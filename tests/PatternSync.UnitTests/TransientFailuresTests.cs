using System.ClientModel;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Npgsql;
using PatternSync.Core.Hosting;

namespace PatternSync.UnitTests;

/// <summary>
/// What counts as a part not answering (a 503 in the API, an outage the worker waits out) and what is the request's or event's
/// own failure.
/// </summary>
public sealed class TransientFailuresTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new NpgsqlException("refused", new SocketException((int)SocketError.ConnectionRefused)), true },
        {
            new InvalidOperationException("EF wrapped it",
                new NpgsqlException("refused", new SocketException((int)SocketError.ConnectionRefused))),
            true
        },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true },
        { new PostgresException("duplicate key", "ERROR", "ERROR", "23505"), false },
        { new RpcException(new Status(StatusCode.Unavailable, "down")), true },
        { new RpcException(new Status(StatusCode.DeadlineExceeded, "slow")), true },
        { new RpcException(new Status(StatusCode.InvalidArgument, "wrong dimension")), false },
        { new HttpRequestException("connection refused"), true },
        { new HttpRequestException("bad request", null, HttpStatusCode.BadRequest), false },
        { new HttpRequestException("overloaded", null, HttpStatusCode.TooManyRequests), true },
        { new TaskCanceledException("timed out", new TimeoutException()), true },
        { new AggregateException(new ArgumentException("no"), new TimeoutException()), true },
        { new InvalidOperationException("The model rejects this text."), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tells_an_outage_from_a_failure_of_its_own(Exception exception, bool transient) =>
        Assert.Equal(transient, TransientFailures.IsTransient(exception));
}
