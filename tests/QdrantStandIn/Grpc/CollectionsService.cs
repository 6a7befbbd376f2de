using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantStandIn.Store;

namespace QdrantStandIn.Grpc;

/// <summary><c>qdrant.Collections</c>: collection lifecycle, configuration echo and aliases.</summary>
[BindServiceMethod(typeof(CollectionsService), nameof(BindService))]
internal class CollectionsService(QdrantStandInState state)
{
    private const string Service = "qdrant.Collections";

    public static void BindService(ServiceBinderBase binder, CollectionsService? service)
    {
        UnaryBinder.Add<GetCollectionInfoRequest, GetCollectionInfoResponse>(binder, Service, "Get", service is null ? null : service.Get);
        UnaryBinder.Add<ListCollectionsRequest, ListCollectionsResponse>(binder, Service, "List", service is null ? null : service.List);
        UnaryBinder.Add<CreateCollection, CollectionOperationResponse>(binder, Service, "Create", service is null ? null : service.Create);
        UnaryBinder.Add<UpdateCollection, CollectionOperationResponse>(binder, Service, "Update", service is null ? null : service.Update);
        UnaryBinder.Add<DeleteCollection, CollectionOperationResponse>(binder, Service, "Delete", service is null ? null : service.Delete);
        UnaryBinder.Add<ChangeAliases, CollectionOperationResponse>(
            binder, Service, "UpdateAliases", service is null ? null : service.UpdateAliases);
        UnaryBinder.Add<ListCollectionAliasesRequest, ListAliasesResponse>(
            binder, Service, "ListCollectionAliases", service is null ? null : service.ListCollectionAliases);
        UnaryBinder.Add<ListAliasesRequest, ListAliasesResponse>(
            binder, Service, "ListAliases", service is null ? null : service.ListAliases);
        UnaryBinder.Add<CollectionExistsRequest, CollectionExistsResponse>(
            binder, Service, "CollectionExists", service is null ? null : service.CollectionExists);
    }

    public virtual Task<GetCollectionInfoResponse> Get(GetCollectionInfoRequest request, ServerCallContext context) =>
        Locked(() => new GetCollectionInfoResponse { Result = CollectionInfoBuilder.Build(state.Resolve(request.CollectionName)) });

    public virtual Task<ListCollectionsResponse> List(ListCollectionsRequest request, ServerCallContext context) =>
        Locked(() => new ListCollectionsResponse
        {
            Collections = { state.Collections.Keys.Order(StringComparer.Ordinal).Select(n => new CollectionDescription { Name = n }) },
        });

    public virtual Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context) =>
        Locked(() =>
        {
            var name = request.CollectionName;
            if (name.Length == 0)
            {
                throw StandInErrors.BadInput("Collection name must not be empty");
            }

            if (state.Collections.ContainsKey(name) || state.AliasMap.ContainsKey(name))
            {
                throw StandInErrors.CollectionAlreadyExists(name);
            }

            state.Collections[name] = CollectionConfigFactory.Create(request);
            return new CollectionOperationResponse { Result = true };
        });

    public virtual Task<CollectionOperationResponse> Update(UpdateCollection request, ServerCallContext context) =>
        Locked(() =>
        {
            CollectionConfigFactory.Update(state.Resolve(request.CollectionName), request);
            return new CollectionOperationResponse { Result = true };
        });

    /// <summary>
    /// As in Qdrant: the name is taken literally (not resolved as an alias), an unknown name answers
    /// false rather than an error, and the collection's aliases go with it.
    /// </summary>
    public virtual Task<CollectionOperationResponse> Delete(DeleteCollection request, ServerCallContext context) =>
        Locked(() =>
        {
            if (!state.Collections.Remove(request.CollectionName))
            {
                return new CollectionOperationResponse { Result = false };
            }

            foreach (var alias in state.AliasMap.Where(a => a.Value == request.CollectionName).Select(a => a.Key).ToList())
            {
                state.AliasMap.Remove(alias);
            }

            return new CollectionOperationResponse { Result = true };
        });

    /// <summary>
    /// All actions are validated against a working copy and committed together under the state lock,
    /// so a delete-then-create swap is never observed half done, and a failing action changes nothing.
    /// </summary>
    public virtual Task<CollectionOperationResponse> UpdateAliases(ChangeAliases request, ServerCallContext context) =>
        Locked(() =>
        {
            var aliases = new Dictionary<string, string>(state.AliasMap, StringComparer.Ordinal);
            foreach (var action in request.Actions)
            {
                switch (action.ActionCase)
                {
                    case AliasOperations.ActionOneofCase.CreateAlias:
                        var create = action.CreateAlias;
                        if (!state.Collections.ContainsKey(create.CollectionName))
                        {
                            throw StandInErrors.CollectionNotFound(create.CollectionName);
                        }

                        EnsureNotACollection(create.AliasName);
                        aliases[create.AliasName] = create.CollectionName;
                        break;
                    case AliasOperations.ActionOneofCase.DeleteAlias:
                        if (!aliases.Remove(action.DeleteAlias.AliasName))
                        {
                            throw StandInErrors.AliasNotFound(action.DeleteAlias.AliasName);
                        }

                        break;
                    case AliasOperations.ActionOneofCase.RenameAlias:
                        var rename = action.RenameAlias;
                        if (!aliases.Remove(rename.OldAliasName, out var target))
                        {
                            throw StandInErrors.AliasNotFound(rename.OldAliasName);
                        }

                        EnsureNotACollection(rename.NewAliasName);
                        aliases[rename.NewAliasName] = target;
                        break;
                    default:
                        throw StandInErrors.BadInput("alias action is missing");
                }
            }

            state.AliasMap.Clear();
            foreach (var (alias, collection) in aliases)
            {
                state.AliasMap[alias] = collection;
            }

            return new CollectionOperationResponse { Result = true };
        });

    public virtual Task<ListAliasesResponse> ListCollectionAliases(ListCollectionAliasesRequest request, ServerCallContext context) =>
        Locked(() =>
        {
            var collection = state.Resolve(request.CollectionName).Name;
            return Aliases(a => a.Value == collection);
        });

    public virtual Task<ListAliasesResponse> ListAliases(ListAliasesRequest request, ServerCallContext context) =>
        Locked(() => Aliases(_ => true));

    public virtual Task<CollectionExistsResponse> CollectionExists(CollectionExistsRequest request, ServerCallContext context) =>
        Locked(() =>
        {
            var name = state.AliasMap.GetValueOrDefault(request.CollectionName, request.CollectionName);
            return new CollectionExistsResponse { Result = new CollectionExists { Exists = state.Collections.ContainsKey(name) } };
        });

    private ListAliasesResponse Aliases(Func<KeyValuePair<string, string>, bool> predicate) => new()
    {
        Aliases =
        {
            state.AliasMap
                .Where(predicate)
                .OrderBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }),
        },
    };

    private void EnsureNotACollection(string aliasName)
    {
        if (state.Collections.ContainsKey(aliasName))
        {
            throw StandInErrors.BadInput($"Collection with name `{aliasName}` already exists, it cannot be used as an alias");
        }
    }

    private Task<T> Locked<T>(Func<T> action) => Task.FromResult(state.Locked(action));
}
