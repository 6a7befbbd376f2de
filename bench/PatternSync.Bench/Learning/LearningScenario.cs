using System.Text.Json.Nodes;

namespace PatternSync.Bench.Learning;

/// <summary>
/// One scenario of the learning benchmark, read from Learning/scenarios/*.json: the patterns to store and the groups
/// (a problem, or a pair of patterns) of tasks the agent asks. Each seed stores the patterns under a tag of its own.
/// </summary>
internal sealed record LearningScenario(string Name, string Tag, IReadOnlyList<ScenarioPattern> Patterns, IReadOnlyList<TaskGroup> Groups)
{
    public IEnumerable<LearningTask> Tasks => Groups.SelectMany(g => g.Tasks);

    /// <summary>The tag a seed's copy of the patterns carries, and every match of that seed filters on.</summary>
    public string SeedTag(int seed) => $"{Tag}-{seed}";

    /// <summary>
    /// "variants": near-duplicates of one approach per problem; the variant that similarity puts on top most often gets the
    /// worst hidden probability, the others the rest in a seeded order.
    /// </summary>
    public static LearningScenario Variants(string split) => Load("variants.json", split, (root, split) =>
    {
        var problems = root["problems"]!.AsArray().Select(p => p!.AsObject()).Where(p => Text(p, "split") == split);
        var probabilities = Doubles(root["probabilities"]!);
        return problems.Select(problem =>
        {
            var key = Text(problem, "key");
            var patterns = problem["variants"]!.AsArray().Select((v, i) => Pattern(problem, v!.AsObject(), $"{key}#{i}"))
                .ToList();
            var task = new LearningTask(key, key, null, Texts(problem["rounds"]!), Texts(problem["held_out"]!));
            return new TaskGroup(key, patterns, [task], (tops, random) => AssignWorstToSimilarityTop(task, patterns, tops[0],
                probabilities, random));
        });
    });

    /// <summary>
    /// "context": two patterns that both fit two contexts, each working in one; the hidden profiles go to the patterns
    /// the way that makes similarity's top answers the worse ones, so neither similarity nor a pattern-wide rate can win.
    /// </summary>
    public static LearningScenario Context(string split) => Load("context.json", split, (root, split) =>
    {
        var pairs = root["pairs"]!.AsArray().Select(p => p!.AsObject()).Where(p => Text(p, "split") == split);
        var profiles = root["profiles"]!.AsArray().Select(p => Doubles(p!)).ToList();
        return pairs.Select(pair =>
        {
            var key = Text(pair, "key");
            var patterns = pair["patterns"]!.AsArray().Select((p, i) => Pattern(pair, p!.AsObject(), $"{key}#{i}")).ToList();
            var tasks = pair["contexts"]!.AsArray().Select(c => c!.AsObject()).Select(c => new LearningTask(
                $"{key}/{Text(c, "key")}", key, Text(c, "context"), Texts(c["rounds"]!), Texts(c["held_out"]!))).ToList();
            return new TaskGroup(key, patterns, tasks, (tops, random) => AssignProfilesAgainstSimilarity(tasks, patterns, tops,
                profiles, random));
        });
    });

    private static LearningScenario Load(string file, string split,
        Func<JsonObject, string, IEnumerable<TaskGroup>> groups)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Learning", "scenarios", file)))!
            .AsObject();
        var list = groups(root, split).ToList();
        return new LearningScenario(Text(root, "scenario"), Text(root, "tag"), list.SelectMany(g => g.Patterns).ToList(), list);
    }

    private static void AssignWorstToSimilarityTop(LearningTask task, IReadOnlyList<ScenarioPattern> patterns,
        IReadOnlyList<string?> tops, IReadOnlyList<double> probabilities, Random random)
    {
        var worst = patterns.MaxBy(p => tops.Count(t => t == p.Key))!;
        var rest = probabilities.Skip(1).ToArray();
        random.Shuffle(rest);
        task.Hidden[worst.Key] = probabilities[0];
        foreach (var (pattern, probability) in patterns.Where(p => p != worst).Zip(rest)) task.Hidden[pattern.Key] = probability;
    }

    private static void AssignProfilesAgainstSimilarity(IReadOnlyList<LearningTask> tasks, IReadOnlyList<ScenarioPattern> patterns,
        IReadOnlyList<IReadOnlyList<string?>> tops, IReadOnlyList<IReadOnlyList<double>> profiles, Random random)
    {
        // Pattern i takes profile i (straight) or profile 1 - i (swapped): similarity's expected successes under each.
        var keys = patterns.Select(p => p.Key).ToList();
        double SimilaritySuccess(bool swapped) => tasks.Select((_, context) => tops[context]
            .Sum(top => keys.IndexOf(top!) is var i and >= 0 ? profiles[swapped ? 1 - i : i][context] : 0)).Sum();
        var straight = SimilaritySuccess(false);
        var swapped = SimilaritySuccess(true);
        var swap = straight == swapped ? random.Next(2) == 1 : swapped < straight;
        for (var context = 0; context < tasks.Count; context++)
            for (var i = 0; i < patterns.Count; i++)
                tasks[context].Hidden[patterns[i].Key] = profiles[swap ? 1 - i : i][context];
    }

    private static ScenarioPattern Pattern(JsonObject group, JsonObject pattern, string key) => new(key, new JsonObject
    {
        ["pattern_type"] = Text(group, "pattern_type"),
        ["name"] = Text(pattern, "name"),
        ["description"] = Text(pattern, "description"),
        ["execution_trace"] = new JsonObject { ["steps"] = pattern["steps"]!.DeepClone() },
        ["tags"] = group["tags"]!.DeepClone(),
    });

    private static string Text(JsonObject node, string field) => node[field]!.GetValue<string>();
    private static List<string> Texts(JsonNode array) => array.AsArray().Select(t => t!.GetValue<string>()).ToList();
    private static List<double> Doubles(JsonNode array) => array.AsArray().Select(t => t!.GetValue<double>()).ToList();
}

internal sealed record ScenarioPattern(string Key, JsonObject Body)
{
    /// <summary>The create request's body, with the seed's tag added to the pattern's own.</summary>
    public JsonObject BodyTagged(string tag)
    {
        var body = Body.DeepClone().AsObject();
        body["tags"]!.AsArray().Add(tag);
        return body;
    }
}

/// <summary>
/// Patterns that compete for the same tasks, and how their hidden probabilities are set once similarity's top answer to
/// each task's intents (all of them, in task order) has been seen.
/// </summary>
internal sealed record TaskGroup(string Key, IReadOnlyList<ScenarioPattern> Patterns, IReadOnlyList<LearningTask> Tasks,
    Action<IReadOnlyList<IReadOnlyList<string?>>, Random> AssignHidden);

/// <summary>What the agent asks: a problem, or a pair's context (sent as the request's <c>context</c>), with its intents.</summary>
internal sealed record LearningTask(string Key, string Group, string? Context, IReadOnlyList<string> Rounds, IReadOnlyList<string> HeldOut)
{
    /// <summary>The hidden success probability per pattern key; any other pattern (a wrong answer) never succeeds.</summary>
    public Dictionary<string, double> Hidden { get; } = [];

    public IEnumerable<string> Intents => Rounds.Concat(HeldOut);
    public double Probability(string? patternKey) => patternKey is not null && Hidden.TryGetValue(patternKey, out var p) ? p : 0;
    public double Best => Hidden.Values.Max();
    public string BestKey => Hidden.MaxBy(h => h.Value).Key;
}
