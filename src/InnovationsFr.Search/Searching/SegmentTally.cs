using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>The per-segment part of <see cref="FacetedCollector"/>: what one segment counted (kept across refreshes by <see cref="SegmentSearch"/>), and the ranking order.</summary>
internal sealed partial class FacetedCollector
{
    /// <summary>One segment's counts and best candidates, by the segment's own ordinals and document numbers.</summary>
    internal sealed class SegmentTally
    {
        private PriorityQueue<int, (double Rank, float Score, int Doc)>? _queue;
        private readonly int _capacity;

        public SegmentTally(SegmentCache cache, int selected, int capacity, int keepMatchesOf)
        {
            _capacity = capacity;
            _queue = new PriorityQueue<int, (double, float, int)>(Math.Min(capacity, 1024) + 1, WorstFirst.Instance);
            Present = new int[cache.Tags.ValueCount];
            Toggle = new int[cache.Tags.ValueCount];
            Rubrics = new int[cache.Rubrics.ValueCount];
            SelectedShift = new int[selected];
            FirstMonthSlot = MonthSlot(cache.MinMonth);
            Months = new int[MonthSlot(cache.MaxMonth) - FirstMonthSlot + 1];
            Matched = keepMatchesOf > 0 ? new FixedBitSet(keepMatchesOf) : null;
        }

        private SegmentTally(SegmentTally other)
        {
            _capacity = other._capacity;
            Present = (int[])other.Present.Clone();
            Toggle = (int[])other.Toggle.Clone();
            Rubrics = (int[])other.Rubrics.Clone();
            SelectedShift = (int[])other.SelectedShift.Clone();
            FirstMonthSlot = other.FirstMonthSlot;
            Months = (int[])other.Months.Clone();
            Matched = other.Matched;
            TotalHits = other.TotalHits;
            TagBase = other.TagBase;
            TagBasePassing = other.TagBasePassing;
            Candidates = other.Candidates;
        }

        public int TotalHits { get; set; }

        public int TagBase { get; set; }

        public int TagBasePassing { get; set; }

        public int[] SelectedShift { get; }

        public int[] Present { get; }

        public int[] Toggle { get; }

        public int[] Rubrics { get; }

        public int FirstMonthSlot { get; }

        public int[] Months { get; }

        /// <summary>Every document the query matched, deleted or not (kept tallies only).</summary>
        public FixedBitSet? Matched { get; }

        /// <summary>The best passing documents, unordered (after <see cref="Seal"/>).</summary>
        public (double Rank, float Score, int Doc)[] Candidates { get; private set; } = [];

        /// <summary>Bytes held, roughly: what a cache of tallies counts against its budget.</summary>
        public long Bytes => (Present.Length + Toggle.Length + Rubrics.Length + Months.Length) * 4L + Candidates.Length * 16L + (Matched?.Length ?? 0) / 8 + 128;

        /// <summary>How many candidates the tally keeps.</summary>
        public int Capacity => _capacity;

        /// <summary>The rank a document must beat to become a candidate: −∞ while there is room.</summary>
        public double Threshold => _queue is { } queue && queue.Count >= _capacity && queue.TryPeek(out _, out var worst) ? worst.Rank : double.NegativeInfinity;

        public void Offer((double Rank, float Score, int Doc) key) => WorstFirst.Keep(_queue!, _capacity, key);

        /// <summary>Collection is over: the candidates become a read-only array (a kept tally is shared by searches).</summary>
        public void Seal()
        {
            if (_queue is { } queue)
            {
                Candidates = queue.UnorderedItems.Select(item => item.Priority).ToArray();
                _queue = null;
            }
        }

        public SegmentTally CopyCounts() => new(this);
    }

    /// <summary>Orders the heap worst first: lower rank, then higher document number.</summary>
    private sealed class WorstFirst : IComparer<(double Rank, float Score, int Doc)>
    {
        public static readonly WorstFirst Instance = new();

        /// <summary>Offers <paramref name="key"/> to the best <paramref name="capacity"/> kept in <paramref name="queue"/> (worst first).</summary>
        public static void Keep(PriorityQueue<int, (double Rank, float Score, int Doc)> queue, int capacity, (double Rank, float Score, int Doc) key)
        {
            if (queue.Count < capacity)
            {
                queue.Enqueue(key.Doc, key);
            }
            else if (queue.TryPeek(out _, out var worst) && Instance.Compare(key, worst) > 0)
            {
                queue.DequeueEnqueue(key.Doc, key);
            }
        }

        public int Compare((double Rank, float Score, int Doc) x, (double Rank, float Score, int Doc) y)
        {
            var byRank = x.Rank.CompareTo(y.Rank);
            return byRank != 0 ? byRank : y.Doc.CompareTo(x.Doc);
        }
    }
}
