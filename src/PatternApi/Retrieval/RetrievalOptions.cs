using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Retrieval;

/// <summary>Section "Retrieval".</summary>
public sealed class RetrievalOptions
{
    /// <summary>
    /// How many hits each list (dense, lexical) hands to fusion, at least the request's limit: fusion normalises each
    /// list by its own distribution, so the depth is part of the fit the confidence is calibrated on.
    /// </summary>
    [Range(1, 1000)]
    public int ListDepth { get; set; } = 50;

    /// <summary>
    /// How much a lexical hit adds to the cosine under hybrid retrieval, per unit of its BM25 score normalised against its
    /// list (0 to about 1); tuned on the tune split of the labelled queries. The confidence is calibrated on the sum, so a
    /// change needs a refit (docs/confidence.md).
    /// </summary>
    [Range(0.0, 10.0)]
    public double LexicalWeight { get; set; } = 0.2;
}
