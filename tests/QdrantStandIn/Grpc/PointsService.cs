using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantStandIn.Semantics;
using QdrantStandIn.Store;

namespace QdrantStandIn.Grpc;

/// <summary><c>qdrant.Points</c>: writes, payload edits, payload indexes, retrieval, search, query, scroll, count.</summary>
[BindServiceMethod(typeof(PointsService), nameof(BindService))]
internal class PointsService(QdrantStandInState state)
{
    private const string Service = "qdrant.Points";

    public static void BindService(ServiceBinderBase binder, PointsService? service)
    {
        UnaryBinder.Add<UpsertPoints, PointsOperationResponse>(binder, Service, "Upsert", service is null ? null : service.Upsert);
        UnaryBinder.Add<DeletePoints, PointsOperationResponse>(binder, Service, "Delete", service is null ? null : service.Delete);
        UnaryBinder.Add<GetPoints, GetResponse>(binder, Service, "Get", service is null ? null : service.Get);
        UnaryBinder.Add<UpdatePointVectors, PointsOperationResponse>(
            binder, Service, "UpdateVectors", service is null ? null : service.UpdateVectors);
        UnaryBinder.Add<SetPayloadPoints, PointsOperationResponse>(
            binder, Service, "SetPayload", service is null ? null : service.SetPayload);
        UnaryBinder.Add<SetPayloadPoints, PointsOperationResponse>(
            binder, Service, "OverwritePayload", service is null ? null : service.OverwritePayload);
        UnaryBinder.Add<DeletePayloadPoints, PointsOperationResponse>(
            binder, Service, "DeletePayload", service is null ? null : service.DeletePayload);
        UnaryBinder.Add<ClearPayloadPoints, PointsOperationResponse>(
            binder, Service, "ClearPayload", service is null ? null : service.ClearPayload);
        UnaryBinder.Add<CreateFieldIndexCollection, PointsOperationResponse>(
            binder, Service, "CreateFieldIndex", service is null ? null : service.CreateFieldIndex);
        UnaryBinder.Add<DeleteFieldIndexCollection, PointsOperationResponse>(
            binder, Service, "DeleteFieldIndex", service is null ? null : service.DeleteFieldIndex);
        UnaryBinder.Add<SearchPoints, SearchResponse>(binder, Service, "Search", service is null ? null : service.Search);
        UnaryBinder.Add<SearchBatchPoints, SearchBatchResponse>(
            binder, Service, "SearchBatch", service is null ? null : service.SearchBatch);
        UnaryBinder.Add<ScrollPoints, ScrollResponse>(binder, Service, "Scroll", service is null ? null : service.Scroll);
        UnaryBinder.Add<CountPoints, CountResponse>(binder, Service, "Count", service is null ? null : service.Count);
        UnaryBinder.Add<QueryPoints, QueryResponse>(binder, Service, "Query", service is null ? null : service.Query);
        UnaryBinder.Add<QueryBatchPoints, QueryBatchResponse>(binder, Service, "QueryBatch", service is null ? null : service.QueryBatch);
    }

    public virtual Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context) =>
        Update(() => PointsWriter.Upsert(state, request));

    public virtual Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context) =>
        Update(() => PointsWriter.Delete(state, request));

    public virtual Task<GetResponse> Get(GetPoints request, ServerCallContext context) =>
        Locked(() => new GetResponse { Result = { PointsReader.Get(state, request) } });

    public virtual Task<PointsOperationResponse> UpdateVectors(UpdatePointVectors request, ServerCallContext context) =>
        Update(() => PointsWriter.UpdateVectors(state, request));

    public virtual Task<PointsOperationResponse> SetPayload(SetPayloadPoints request, ServerCallContext context) =>
        Update(() => PointsWriter.SetPayload(state, request, overwrite: false));

    public virtual Task<PointsOperationResponse> OverwritePayload(SetPayloadPoints request, ServerCallContext context) =>
        Update(() => PointsWriter.SetPayload(state, request, overwrite: true));

    public virtual Task<PointsOperationResponse> DeletePayload(DeletePayloadPoints request, ServerCallContext context) =>
        Update(() => PointsWriter.DeletePayload(state, request));

    public virtual Task<PointsOperationResponse> ClearPayload(ClearPayloadPoints request, ServerCallContext context) =>
        Update(() => PointsWriter.ClearPayload(state, request));

    public virtual Task<PointsOperationResponse> CreateFieldIndex(CreateFieldIndexCollection request, ServerCallContext context) =>
        Update(() => PointsWriter.CreateFieldIndex(state, request));

    public virtual Task<PointsOperationResponse> DeleteFieldIndex(DeleteFieldIndexCollection request, ServerCallContext context) =>
        Update(() => PointsWriter.DeleteFieldIndex(state, request));

    public virtual Task<SearchResponse> Search(SearchPoints request, ServerCallContext context) =>
        Locked(() => new SearchResponse { Result = { PointsReader.Search(state, request) } });

    public virtual Task<SearchBatchResponse> SearchBatch(SearchBatchPoints request, ServerCallContext context) =>
        Locked(() =>
        {
            var response = new SearchBatchResponse();
            foreach (var search in request.SearchPoints)
            {
                // The batch names the collection once; Qdrant applies it to every search in it.
                search.CollectionName = request.CollectionName;
                response.Result.Add(new BatchResult { Result = { PointsReader.Search(state, search) } });
            }

            return response;
        });

    public virtual Task<ScrollResponse> Scroll(ScrollPoints request, ServerCallContext context) =>
        Locked(() => PointsReader.Scroll(state, request));

    public virtual Task<CountResponse> Count(CountPoints request, ServerCallContext context) =>
        Locked(() => new CountResponse { Result = new CountResult { Count = PointsReader.Count(state, request) } });

    public virtual Task<QueryResponse> Query(QueryPoints request, ServerCallContext context) =>
        Locked(() => new QueryResponse { Result = { PointsReader.Query(state, request) } });

    public virtual Task<QueryBatchResponse> QueryBatch(QueryBatchPoints request, ServerCallContext context) =>
        Locked(() =>
        {
            var response = new QueryBatchResponse();
            foreach (var query in request.QueryPoints)
            {
                query.CollectionName = request.CollectionName;
                response.Result.Add(new BatchResult { Result = { PointsReader.Query(state, query) } });
            }

            return response;
        });

    private Task<PointsOperationResponse> Update(Func<UpdateResult> action) =>
        Locked(() => new PointsOperationResponse { Result = action() });

    private Task<T> Locked<T>(Func<T> action) => Task.FromResult(state.Locked(action));
}
