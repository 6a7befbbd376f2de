using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace PatternSync.Core.LexicalIndex;

/// <summary>Lucene's view of <see cref="IdentifierTokens"/>: the documents are indexed with the tokens queries are split into.</summary>
internal sealed class IdentifierAnalyzer : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new IdentifierTokenizer(reader));

    private sealed class IdentifierTokenizer : Tokenizer
    {
        private readonly ICharTermAttribute _term;
        private IEnumerator<string>? _pending;

        public IdentifierTokenizer(TextReader reader) : base(reader) => _term = AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            ClearAttributes();
            _pending ??= IdentifierTokens.Tokenize(m_input.ReadToEnd()).GetEnumerator();
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
