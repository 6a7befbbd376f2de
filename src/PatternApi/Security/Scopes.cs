namespace PatternSync.PatternApi.Security;

/// <summary>What an API key may do; each is also the name of the authorization policy that requires it.</summary>
public static class Scopes
{
    public const string PatternsRead = "patterns:read";
    public const string PatternsWrite = "patterns:write";
    public const string OpsAdmin = "ops:admin";

    public static readonly IReadOnlyList<string> All = [PatternsRead, PatternsWrite, OpsAdmin];
    public const string ClaimType = "scope";
}
