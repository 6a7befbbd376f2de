using Lucene.Net.Tartarus.Snowball.Ext;
using CoreTokens = PatternSync.Core.LexicalIndex.IdentifierTokens;

namespace PatternSync.Bench.Lexical;

/// <summary>
/// The service's identifier tokens (<see cref="CoreTokens"/>), optionally stemmed: the variant the engine choice measured
/// against them and the service left out.
/// </summary>
internal sealed class IdentifierTokens(bool stem)
{
    private readonly EnglishStemmer? _stemmer = stem ? new EnglishStemmer() : null;

    public string Name => _stemmer is null ? "identifier" : "identifier+stem";

    public List<string> Tokenize(string text) => CoreTokens.Tokenize(text).Select(Stemmed).ToList();

    /// <summary>Words only: a token holding a joiner is a whole identifier, kept as written.</summary>
    private string Stemmed(string token)
    {
        if (_stemmer is null || !token.All(char.IsLetterOrDigit)) return token;
        _stemmer.SetCurrent(token);
        _stemmer.Stem();
        return _stemmer.Current;
    }
}
