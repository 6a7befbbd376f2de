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
}
