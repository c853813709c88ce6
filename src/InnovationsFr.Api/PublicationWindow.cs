using System.ComponentModel;
using System.Globalization;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>The "from" and "to" query parameters every endpoint that narrows by publication date shares.</summary>
public abstract class PublicationWindowParameters
{
    [FromQuery(Name = "from")]
    [Description("Published on or after this date: YYYY-MM-DD (Paris time) or an ISO 8601 date-time with offset.")]
    public string? From { get; init; }

    [FromQuery(Name = "to")]
    [Description("Published on or before this date: YYYY-MM-DD (the whole day, Paris time) or an ISO 8601 date-time with offset.")]
    public string? To { get; init; }

    /// <summary>Publication dates a filter may name (outside them the time-zone arithmetic has no meaning).</summary>
    private const int MinYear = 1900;
    private const int MaxYear = 2200;

    /// <summary>The window these parameters name; errors name the parameter at fault.</summary>
    internal (DateTimeOffset? From, DateTimeOffset? To) Window(Dictionary<string, string[]> errors) => ParseWindow(From, To, errors);

    /// <summary>A publication window from "from" and "to" values (also a draft's body); errors name the parameter at fault.</summary>
    internal static (DateTimeOffset? From, DateTimeOffset? To) ParseWindow(string? from, string? to, Dictionary<string, string[]> errors)
    {
        var start = ParseDate(from, "from", endOfDay: false, errors);
        var end = ParseDate(to, "to", endOfDay: true, errors);
        if (start != null && end != null && start > end)
        {
            errors["to"] = ["to must not be before from."];
        }

        return (start, end);
    }

    private static DateTimeOffset? ParseDate(string? text, string name, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            if (day.Year is < MinYear or > MaxYear)
            {
                errors[name] = [$"{name} must be a date between {MinYear} and {MaxYear}."];
                return null;
            }

            var local = endOfDay ? day.ToDateTime(TimeOnly.MaxValue) : day.ToDateTime(TimeOnly.MinValue);
            return new DateTimeOffset(local, ParisTime.Zone.GetUtcOffset(local));
        }

        if (CorpusReader.TryParseDate(text, out var instant))
        {
            if (instant.Year is < MinYear or > MaxYear)
            {
                errors[name] = [$"{name} must be a date between {MinYear} and {MaxYear}."];
                return null;
            }

            return instant;
        }

        errors[name] = [$"{name} must be a date YYYY-MM-DD or an ISO 8601 date-time with offset, not '{(text.Length > 40 ? text[..40] + "…" : text)}'."];
        return null;
    }
}
