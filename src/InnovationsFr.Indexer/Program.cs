using InnovationsFr.Indexer;

// The indexer command line: build an index from corpus files, or generate a synthetic corpus.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C: stop cleanly (the live index stays as it was); a second one kills.
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};

return await Cli.RunAsync(args, Console.Out, Console.Error, interrupt.Token);
