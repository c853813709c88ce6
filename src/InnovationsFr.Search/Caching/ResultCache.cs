namespace InnovationsFr.Search;

/// <summary>
/// A small least-recently-used cache of answers, keyed by the index version and the request, so a
/// new generation or reader version never serves an old answer (its keys are simply never asked
/// again and age out). Bounded by entry count; thread-safe; hit and miss counts for the metrics.
/// </summary>
internal sealed class ResultCache<T>(int capacity)
    where T : class
{
    private readonly Dictionary<string, LinkedListNode<(string Key, T Value)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, T Value)> _recency = new();
    private readonly System.Threading.Lock _lock = new();
    private long _hits;
    private long _misses;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public T GetOrAdd(string key, Func<T> compute, Func<T, bool>? worthKeeping = null)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                Interlocked.Increment(ref _hits);
                return node.Value.Value;
            }
        }

        Interlocked.Increment(ref _misses);
        var value = compute();
        if (worthKeeping != null && !worthKeeping(value))
        {
            return value;
        }

        lock (_lock)
        {
            if (!_entries.ContainsKey(key))
            {
                _entries[key] = _recency.AddFirst((key, value));
                while (_entries.Count > capacity && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.Key);
                }
            }
        }

        return value;
    }
}
