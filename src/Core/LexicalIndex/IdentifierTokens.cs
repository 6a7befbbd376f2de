using System.Text.RegularExpressions;
using Lucene.Net.Analysis.Core;

namespace PatternSync.Core.LexicalIndex;

/// <summary>
/// The lexical index's tokens: each identifier-like run of text (a flag, snake_case or camelCase name, dotted or hyphenated
/// name, header) is kept whole, lower-cased, and also split into its words, so a query that quotes `--max-lag-millis`
/// matches it exactly and one that says "max lag" still matches its parts. English stop words are dropped from the split
/// words only: a whole identifier is never a stop word. No stemming: it lowered the fusion's hit@1 and MRR on the tune split
/// of the labelled queries (docs/retrieval.md).
/// </summary>
public static partial class IdentifierTokens
{
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (Match run in Run().Matches(text))
        {
            var trimmed = run.Value.TrimEnd('.', '-', ':', '/');
            var whole = trimmed.ToLowerInvariant();
            var parts = Part().Matches(trimmed).Select(p => p.Value.ToLowerInvariant()).ToList();
            if (parts.Count != 1 || parts[0] != whole) tokens.Add(whole);
            tokens.AddRange(parts.Where(part => !StopAnalyzer.ENGLISH_STOP_WORDS_SET.Contains(part)));
        }
        return tokens;
    }

    /// <summary>A word or identifier: optional leading dashes (flags), then letters, digits and the joiners names use.</summary>
    [GeneratedRegex(@"-{0,2}[\p{L}\p{N}_][\p{L}\p{N}_.\-/:+#]*")]
    private static partial Regex Run();

    /// <summary>The words inside an identifier: camelCase and PascalCase humps, acronyms, and digit runs.</summary>
    [GeneratedRegex(@"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\p{N}+|\p{L}+")]
    private static partial Regex Part();
}
