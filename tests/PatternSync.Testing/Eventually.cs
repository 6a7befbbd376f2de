namespace PatternSync.Testing;

/// <summary>Waits on a condition with a deadline, polling: never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T value;
        Exception? last = null;
        while (true)
        {
            try
            {
                value = await probe();
                if (done(value)) return value;
                last = null;
            }
            catch (Exception e)
            {
                value = default!;
                last = e;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}; last value: {value}", last);
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ValueAsync(condition, ok => ok, timeout, what);
}
