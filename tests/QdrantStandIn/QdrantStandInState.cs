using Qdrant.Client.Grpc;
using QdrantStandIn.Store;

namespace QdrantStandIn;

/// <summary>
/// The in-memory collections and aliases of a <see cref="QdrantStandInServer"/>. It outlives
/// stop/restart of the server, which is what lets tests simulate "Qdrant down, then back".
/// </summary>
/// <remarks>
/// One lock guards everything. Alias swaps must be atomic with respect to every reader, and the
/// workloads are test-sized, so a single lock is both the simplest correct choice and fast enough.
/// </remarks>
public sealed class QdrantStandInState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StandInCollection> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private ulong _lastOperationId;

    /// <summary>Number of points in a collection (an alias is resolved); throws if there is none.</summary>
    public int PointCount(string collectionOrAlias)
    {
        lock (_gate)
        {
            return Resolve(collectionOrAlias).Points.Count;
        }
    }

    /// <summary>True if a collection, not an alias, of that name exists.</summary>
    public bool CollectionExists(string name)
    {
        lock (_gate)
        {
            return _collections.ContainsKey(name);
        }
    }

    public IReadOnlyList<string> CollectionNames
    {
        get
        {
            lock (_gate)
            {
                return _collections.Keys.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>A snapshot of alias name → collection name.</summary>
    public IReadOnlyDictionary<string, string> Aliases
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_aliases, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>A copy of one stored point (vector as stored, i.e. normalised for cosine), or null.</summary>
    public StandInPoint? GetPoint(string collectionOrAlias, PointId id)
    {
        lock (_gate)
        {
            return Resolve(collectionOrAlias).Points.TryGetValue(PointKey.From(id), out var point)
                ? new StandInPoint(point.Id.ToPointId(), point.Vector.ToArray(), point.Payload.Clone())
                : null;
        }
    }

    /// <summary>Drops every collection and alias, for tests that share one server.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _collections.Clear();
            _aliases.Clear();
        }
    }

    /// <summary>Runs a whole RPC under the lock, so each request sees and leaves a consistent state.</summary>
    internal T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }

    internal Dictionary<string, StandInCollection> Collections => _collections;

    internal Dictionary<string, string> AliasMap => _aliases;

    internal ulong NextOperationId() => ++_lastOperationId;

    /// <summary>Resolves an alias to its collection; throws NotFound as Qdrant does.</summary>
    internal StandInCollection Resolve(string collectionOrAlias)
    {
        var name = _aliases.TryGetValue(collectionOrAlias, out var target) ? target : collectionOrAlias;
        return _collections.TryGetValue(name, out var collection)
            ? collection
            : throw StandInErrors.CollectionNotFound(collectionOrAlias);
    }
}

/// <summary>A detached copy of a stored point, for test assertions.</summary>
public sealed record StandInPoint(PointId Id, IReadOnlyList<float> Vector, Struct Payload);
