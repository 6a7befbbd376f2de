using System.Text.RegularExpressions;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace PatternSync.Bench.Lexical;

/// <summary>
/// One token stream for every lexical engine compared: each identifier-like run of text (a flag, snake_case or camelCase
/// name, dotted or hyphenated name, header) is kept whole, lower-cased, and also split into its words, so a query that
/// quotes `--max-lag-millis` matches it exactly and one that says "max lag" still matches its parts. English stop words
/// are dropped from the split words only: a whole identifier is never a stop word.
/// </summary>
internal sealed partial class IdentifierTokens(bool stem)
{
    private readonly EnglishStemmer? _stemmer = stem ? new EnglishStemmer() : null;

    public string Name => _stemmer is null ? "identifier" : "identifier+stem";

    public List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (Match run in Run().Matches(text))
        {
            var whole = run.Value.TrimEnd('.', '-', ':', '/').ToLowerInvariant();
            var parts = Part().Matches(run.Value.TrimEnd('.', '-', ':', '/')).Select(p => p.Value.ToLowerInvariant()).ToList();
            if (parts.Count != 1 || parts[0] != whole) tokens.Add(whole);
            foreach (var part in parts)
            {
                if (StopAnalyzer.ENGLISH_STOP_WORDS_SET.Contains(part)) continue;
                tokens.Add(Stemmed(part));
            }
        }
        return tokens;
    }

    private string Stemmed(string word)
    {
        if (_stemmer is null) return word;
        _stemmer.SetCurrent(word);
        _stemmer.Stem();
        return _stemmer.Current;
    }

    /// <summary>A word or identifier: optional leading dashes (flags), then letters, digits and the joiners names use.</summary>
    [GeneratedRegex(@"-{0,2}[\p{L}\p{N}_][\p{L}\p{N}_.\-/:+#]*")]
    private static partial Regex Run();

    /// <summary>The words inside an identifier: camelCase and PascalCase humps, acronyms, and digit runs.</summary>
    [GeneratedRegex(@"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\p{N}+|\p{L}+")]
    private static partial Regex Part();
}
