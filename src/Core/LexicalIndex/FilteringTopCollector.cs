using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace PatternSync.Core.LexicalIndex;

/// <summary>
/// Keeps the best-scoring documents whose pattern passes a filter, checked only for documents that match a term,
/// so a selective filter never starves the top of the list as filtering an unfiltered top would.
/// </summary>
internal sealed class FilteringTopCollector(int limit, Func<Guid, bool> passes) : ICollector
{
    private readonly PriorityQueue<Guid, float> _best = new(limit + 1);
    private readonly BytesRef _bytes = new();
    private BinaryDocValues? _ids;
    private Scorer? _scorer;

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context) => _ids = context.AtomicReader.GetBinaryDocValues("id");

    public void Collect(int doc)
    {
        var score = _scorer!.GetScore();
        if (_best.Count == limit && _best.TryPeek(out _, out var lowest) && score <= lowest) return;
        _ids!.Get(doc, _bytes);
        var id = new Guid(new ReadOnlySpan<byte>(_bytes.Bytes, _bytes.Offset, _bytes.Length));
        if (!passes(id)) return;
        _best.Enqueue(id, score);
        if (_best.Count > limit) _best.Dequeue();
    }

    /// <summary>The kept documents, best first.</summary>
    public List<(Guid Id, float Score)> Best()
    {
        var best = new List<(Guid, float)>(_best.Count);
        while (_best.TryDequeue(out var id, out var score)) best.Add((id, score));
        best.Reverse();
        return best;
    }
}
