using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace PatternSync.Core.LexicalIndex;

/// <summary>
/// Lucene's view of <see cref="IdentifierTokens"/>: the documents are indexed with the tokens queries are split into.
/// The benchmark passes a variant of the tokens to compare.
/// </summary>
public sealed class IdentifierAnalyzer(Func<string, List<string>> tokenize) : Analyzer
{
    public IdentifierAnalyzer() : this(IdentifierTokens.Tokenize) { }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new IdentifierTokenizer(reader, tokenize));

    private sealed class IdentifierTokenizer : Tokenizer
    {
        private readonly Func<string, List<string>> _tokenize;
        private readonly ICharTermAttribute _term;
        private IEnumerator<string>? _pending;

        public IdentifierTokenizer(TextReader reader, Func<string, List<string>> tokenize) : base(reader)
        {
            _tokenize = tokenize;
            _term = AddAttribute<ICharTermAttribute>();
        }

        public override bool IncrementToken()
        {
            ClearAttributes();
            _pending ??= _tokenize(m_input.ReadToEnd()).GetEnumerator();
            if (!_pending.MoveNext()) return false;
            _term.SetEmpty().Append(_pending.Current);
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            _pending = null;
        }
    }
}
