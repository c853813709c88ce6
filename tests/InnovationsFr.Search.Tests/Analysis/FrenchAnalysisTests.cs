using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Analysis;

public class FrenchAnalysisTests
{
    [Theory]
    // Elision (both apostrophes), lower case, stop words, folding, light stemming (it also collapses "ll").
    [InlineData("L'intelligence artificielle", "inteligenc artificiel")]
    [InlineData("l’intelligence artificielle", "inteligenc artificiel")]
    [InlineData("d’OpenAI", "openai")]
    [InlineData("d'OpenAI", "openai")]
    // The hyphen splits; folding drops the accent; the plural goes.
    [InlineData("États-Unis", "etat uni")]
    [InlineData("etats unis", "etat uni")]
    // "de la" are stop words; the light stemmer cuts "département" to "depart" (it also meets "départ").
    [InlineData("Département de la Défense", "depart defens")]
    // Known compounds are joined before tokenizing, so all three spellings meet.
    [InlineData("start-up", "startup")]
    [InlineData("Start-up", "startup")]
    [InlineData("startups", "startup")]
    [InlineData("start-ups", "startup")]
    [InlineData("IA", "ia")]
    [InlineData("5G", "5g")]
    [InlineData("jeux", "jeu")]
    [InlineData("jeu", "jeu")]
    // Light stemming maps the -aux plural back to -al.
    [InlineData("chevaux", "cheval")]
    [InlineData("cheval", "cheval")]
    // Ligature folded to "oe", then the stemmer drops the final r: both spellings meet at "coeu".
    [InlineData("cœur", "coeu")]
    [InlineData("coeur", "coeu")]
    [InlineData("jusqu'à lorsqu'il puisqu’elle quoiqu'on qu'il c'est m'a n'a s'est t'as j'ai", "")]
    [InlineData("cyber-sécurité cybersécurité", "cybersecurit cybersecurit")]
    public void Tokens_OfFrenchText_ArePinned(string text, string expected)
    {
        var tokens = FrenchAnalysis.Tokens(text);

        Assert.Equal(expected, string.Join(' ', tokens));
    }

    [Theory]
    [InlineData("L'intelligence artificielle", "intelligence artificielle")]
    [InlineData("États-Unis", "états unis")]
    [InlineData("Département de la Défense", "département défense")]
    [InlineData("cœur", "cœur")]
    [InlineData("Start-up", "startup")]
    // Capitals with accents, ligatures, other alphabets, and letters past the lower-case table (fullwidth, Deseret).
    [InlineData("ÉLYSÉE ŒUVRE ÇA Ÿ", "élysée œuvre ça ÿ")]
    [InlineData("ΑΘΗΝΑ МОСКВА", "αθηνα москва")]
    [InlineData("ＡＢＣ 𐐀𐐁", "ａｂｃ 𐐨𐐩")]
    public void ExactTokens_KeepAccentsAndWords(string text, string expected)
    {
        var tokens = FrenchAnalysis.ExactTokens(text);

        Assert.Equal(expected, string.Join(' ', tokens));
    }

    [Fact]
    public void Tokens_TwoLetterWords_AreKept()
    {
        var tokens = FrenchAnalysis.Tokens("IA UE VE 4G");

        Assert.Equal(["ia", "ue", "ve", "4g"], tokens);
    }
}
