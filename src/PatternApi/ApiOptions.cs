using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi;

/// <summary>Request limits of the REST API (section "Api"); README "Limits" explains them.</summary>
public sealed class ApiOptions
{
    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Deepest JSON nesting accepted; deeper bodies get 400.</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 32;
}
