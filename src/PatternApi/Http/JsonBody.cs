using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PatternSync.PatternApi.Http;

/// <summary>
/// Reads a request body as one bounded JSON object; every way it can be wrong becomes a ProblemDetails naming the path
/// (see <see cref="Scan"/>). Handlers read bodies themselves: merge patch needs the raw document, and the validator names each field.
/// </summary>
public static class JsonBody
{
    public static async Task<Result> ReadObjectAsync(HttpRequest request, ApiOptions limits, params string[] mediaTypes)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !mediaTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the body as {string.Join(" or ", mediaTypes)}.");
        if (request.ContentLength > limits.MaxBodyBytes)
            return TooLarge(limits);

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limits.MaxBodyBytes) return TooLarge(limits);
            buffer.Write(chunk, 0, read);
        }

        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        JsonNode? node;
        try
        {
            if (Scan(json, limits.MaxJsonDepth) is { } invalid)
                return new Result(null, TypedResults.Problem(new HttpValidationProblemDetails(
                    new Dictionary<string, string[]> { [invalid.Path] = [invalid.Message] })
                {
                    Status = StatusCodes.Status400BadRequest, Title = "The JSON body is not acceptable",
                }));
            node = JsonNode.Parse(json, nodeOptions: null,
                new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {e.Message}");
        }
        return node is JsonObject obj
            ? new Result(obj, null)
            : Problem(StatusCodes.Status400BadRequest, "The body must be a JSON object", "Send a JSON object such as {\"name\": \"...\"}.");
    }

    /// <summary>
    /// The first value a JSON document must not hold, with its path: a property name given twice (JsonNode
    /// throws on it at first access), a number or a string PostgreSQL's jsonb would refuse or print long.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    private static (string Path, string Message)? Scan(ReadOnlySpan<byte> json, int maxDepth)
    {
        var readerOptions = new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow };
        var reader = new Utf8JsonReader(json, readerOptions);
        var path = new List<Container>();
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                path.RemoveAt(path.Count - 1);
                continue;
            }
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var container = path[^1];
                if (!TryGetString(ref reader, out container.Name, out var unreadable)) return (PathOf(path), unreadable);
                if (!container.Names!.Add(container.Name)) return (PathOf(path), "is given more than once.");
                if (JsonbText.StringProblem(container.Name) is { } badName) return (PathOf(path), badName);
                continue;
            }
            if (path.Count > 0 && path[^1].Names is null) path[^1].Index++;
            var problem = reader.TokenType switch
            {
                JsonTokenType.StartObject or JsonTokenType.StartArray => null,
                JsonTokenType.Number => JsonbText.NumberProblem(Encoding.ASCII.GetString(reader.ValueSpan)),
                JsonTokenType.String => TryGetString(ref reader, out var text, out var unreadable)
                    ? JsonbText.StringProblem(text)
                    : unreadable,
                _ => null,
            };
            if (problem is not null) return (PathOf(path), problem);
            if (reader.TokenType == JsonTokenType.StartObject)
                path.Add(new Container { Names = new HashSet<string>(StringComparer.Ordinal) });
            else if (reader.TokenType == JsonTokenType.StartArray) path.Add(new Container());
        }
        return null;
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string text, out string problem)
    {
        try
        {
            text = reader.GetString()!;
            problem = "";
            return true;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate such as "\ud800": .NET cannot read it and PostgreSQL refuses it.
            (text, problem) = ("", "must not contain a lone surrogate (\\ud800-\\udfff without its pair).");
            return false;
        }
    }

    /// <summary>The path in the style the validators name fields: <c>execution_trace.steps[2].ms</c>.</summary>
    private static string PathOf(List<Container> path)
    {
        var text = new StringBuilder();
        foreach (var container in path)
        {
            if (container.Names is null) text.Append('[').Append(container.Index).Append(']');
            else text.Append(text.Length > 0 ? "." : "").Append(container.Name);
        }
        return text.ToString();
    }

    /// <summary>An object (with the names seen so far and the current one) or an array (with the current index).</summary>
    private sealed class Container
    {
        public HashSet<string>? Names;
        public string Name = "";
        public int Index = -1;
    }

    private static Result TooLarge(ApiOptions limits) => Problem(StatusCodes.Status413PayloadTooLarge, "Body too large",
        $"The body may be at most {limits.MaxBodyBytes} bytes.");

    private static Result Problem(int status, string title, string detail) =>
        new(null, TypedResults.Problem(title: title, detail: detail, statusCode: status));

    public sealed record Result(JsonObject? Body, ProblemHttpResult? Problem);
}
