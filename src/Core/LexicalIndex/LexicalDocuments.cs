using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using PatternSync.Core.Filters;
using PatternSync.Core.VectorIndex;

namespace PatternSync.Core.LexicalIndex;

/// <summary>
/// This process's lexical index: each pattern's embedded text a Lucene document scored by BM25, and its payload beside
/// it for the filters, which change far more often than the text does. Not thread-safe; <see cref="PatternLexicalIndex"/>
/// guards it.
/// </summary>
internal sealed class LexicalDocuments : IDisposable
{
    private const string IdField = "id";
    private const string TextField = "text";
    private const int MaxTerms = 1024; // BooleanQuery's clause limit
    private static readonly BM25Similarity Bm25 = new();
    private readonly RAMDirectory _directory = new();
    private readonly IndexWriter _writer;
    private readonly Dictionary<Guid, (long ChangeSeq, PatternPayload Payload)> _entries = [];
    private DirectoryReader _reader;
    private bool _changed;

    public LexicalDocuments()
    {
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new IdentifierAnalyzer()) { Similarity = Bm25 };
        _writer = new IndexWriter(_directory, config);
        _reader = DirectoryReader.Open(_writer, applyAllDeletes: true);
    }

    public int Count => _entries.Count;

    /// <summary>Applies a row unless a later change of it was applied already; a null payload removes it.</summary>
    public void Apply(Guid id, long changeSeq, PatternPayload? payload, Func<string> text)
    {
        var known = _entries.TryGetValue(id, out var entry);
        if (known && entry.ChangeSeq >= changeSeq) return;
        var term = new Term(IdField, id.ToString());
        if (payload is null)
        {
            if (!known) return;
            _writer.DeleteDocuments(term);
            _entries.Remove(id);
            _changed = true;
            return;
        }
        if (!known || entry.Payload.ContentHash != payload.ContentHash)
        {
            _writer.UpdateDocument(term, Document(id, text()));
            _changed = true;
        }
        _entries[id] = (changeSeq, payload);
    }

    public void Clear()
    {
        _writer.DeleteAll();
        _entries.Clear();
        _changed = true;
    }

    /// <summary>The best <paramref name="limit"/> patterns passing the filter for any of the query's terms, best first.</summary>
    public IReadOnlyList<LexicalMatch> Search(string query, PatternFilter filter, int limit)
    {
        var terms = IdentifierTokens.Tokenize(query).Distinct().Take(MaxTerms).ToList();
        if (terms.Count == 0 || _entries.Count == 0) return [];
        if (_changed) Reopen();
        var or = new BooleanQuery();
        foreach (var term in terms) or.Add(new TermQuery(new Term(TextField, term)), Occur.SHOULD);
        var collector = new FilteringTopCollector(limit, id => _entries.TryGetValue(id, out var e) && filter.Matches(e.Payload));
        new IndexSearcher(_reader) { Similarity = Bm25 }.Search(or, collector);
        return collector.Best()
            .Select((hit, rank) => new LexicalMatch(hit.Id, hit.Score, rank + 1, _entries[hit.Id].Payload.ContentHash)).ToList();
    }

    private void Reopen()
    {
        if (DirectoryReader.OpenIfChanged(_reader, _writer, applyAllDeletes: true) is { } newer)
        {
            _reader.Dispose();
            _reader = newer;
        }
        _changed = false;
    }

    private static Document Document(Guid id, string text) =>
    [
        new StringField(IdField, id.ToString(), Field.Store.NO),
        new BinaryDocValuesField(IdField, new BytesRef(id.ToByteArray())),
        new TextField(TextField, text, Field.Store.NO),
    ];

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }
}
