using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using PatternSync.Core.LexicalIndex;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace PatternSync.Bench.Lexical;

/// <summary>A text's index in the list searched, and its score there.</summary>
internal sealed record Hit(int Doc, double Score);

/// <summary>Lucene.Net 4.8 in memory with BM25: each text a document, a query an OR of its distinct terms.</summary>
internal sealed class LuceneLexicalIndex : IDisposable
{
    private const string Id = "id";
    private const string Text = "text";
    private readonly Analyzer _analyzer;
    private readonly LuceneDirectory _directory = new RAMDirectory();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    private LuceneLexicalIndex(Analyzer analyzer, IReadOnlyList<string> texts)
    {
        _analyzer = analyzer;
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(_directory, config))
        {
            for (var i = 0; i < texts.Count; i++)
                writer.AddDocument(new Document
                {
                    new StringField(Id, i.ToString(CultureInfo.InvariantCulture), Field.Store.YES),
                    new TextField(Text, texts[i], Field.Store.NO),
                });
            writer.Commit();
        }
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    /// <summary>With the identifier token stream the other engines share.</summary>
    public static LuceneLexicalIndex WithTokens(IdentifierTokens tokens, IReadOnlyList<string> texts) =>
        new(new IdentifierAnalyzer(tokens.Tokenize), texts);

    /// <summary>With Lucene's StandardAnalyzer (UAX#29 words, English stop words): the baseline an identifier analyzer must beat.</summary>
    public static LuceneLexicalIndex WithStandardAnalyzer(IReadOnlyList<string> texts) =>
        new(new StandardAnalyzer(LuceneVersion.LUCENE_48), texts);

    /// <summary>The indexes of the best <paramref name="limit"/> texts, best first.</summary>
    public List<Hit> Search(string query, int limit)
    {
        var or = new BooleanQuery();
        foreach (var term in Terms(query).Distinct()) or.Add(new TermQuery(new Term(Text, term)), Occur.SHOULD);
        if (or.Clauses.Count == 0) return [];
        return _searcher.Search(or, limit).ScoreDocs
            .Select(hit => new Hit(int.Parse(_searcher.Doc(hit.Doc).Get(Id), CultureInfo.InvariantCulture), hit.Score)).ToList();
    }

    private List<string> Terms(string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream(Text, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) terms.Add(term.ToString());
        stream.End();
        return terms;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }
}
