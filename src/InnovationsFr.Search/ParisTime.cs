namespace InnovationsFr.Search;

/// <summary>The site's time zone: date filters, histograms and generated dates are in Paris time (UTC where the zone data is missing).</summary>
public static class ParisTime
{
    public static TimeZoneInfo Zone { get; } = Find();

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
