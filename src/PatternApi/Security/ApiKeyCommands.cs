namespace PatternSync.PatternApi.Security;

/// <summary>
/// The key management CLI:
///   keys create NAME --scopes patterns:read,patterns:write   (prints the key once)
///   keys list
///   keys revoke ID|PREFIX
/// </summary>
public static class ApiKeyCommands
{
    /// <param name="output">Where the key and the list go (the console's standard output when not given).</param>
    /// <param name="messages">Where confirmations and errors go (standard error when not given).</param>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter? output = null, TextWriter? messages = null)
    {
        output ??= Console.Out;
        messages ??= Console.Error;
        await using var scope = services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        switch (args)
        {
            case ["create", var name, "--scopes", var scopes]:
                try
                {
                    var scopeList = scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var (key, value) = await keys.CreateAsync(name, scopeList, CancellationToken.None);
                    messages.WriteLine(
                        $"created key {key.Id} ({key.Prefix}) '{key.Name}' with {string.Join(", ", key.Scopes)}; it is shown once:");
                    output.WriteLine(value);
                    return 0;
                }
                catch (ArgumentException e)
                {
                    messages.WriteLine(e.Message);
                    return 2;
                }
            case ["list"]:
                foreach (var key in await keys.ListAsync(CancellationToken.None))
                {
                    var state = key.RevokedAt is null ? "active" : $"revoked {key.RevokedAt:u}";
                    output.WriteLine($"{key.Id}  {key.Prefix}  {key.Name,-24}  {string.Join(",", key.Scopes),-40}  {state}");
                }
                return 0;
            case ["revoke", var idOrPrefix]:
                if (await keys.RevokeAsync(idOrPrefix, CancellationToken.None)) { messages.WriteLine($"revoked {idOrPrefix}"); return 0; }
                messages.WriteLine($"no active key {idOrPrefix}");
                return 1;
            default:
                messages.WriteLine($"usage: keys create NAME --scopes {string.Join(",", Scopes.All)} | keys list | keys revoke ID|PREFIX");
                return 2;
        }
    }
}
