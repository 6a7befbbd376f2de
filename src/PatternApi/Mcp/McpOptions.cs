using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Mcp;

/// <summary>Section "Mcp": the MCP endpoint's host validation.</summary>
public sealed class McpOptions
{
    /// <summary>
    /// The Host names /mcp answers (';'-separated, any port); other hosts get 404, so a web page whose DNS name is rebound
    /// to this address cannot reach the tools. Add the name agents use when the API is not reached as localhost (routing
    /// host matching takes names and IPv4 addresses, not bracketed IPv6 ones).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string AllowedHosts { get; set; } = "localhost;127.0.0.1";

    public string[] Hosts => AllowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
