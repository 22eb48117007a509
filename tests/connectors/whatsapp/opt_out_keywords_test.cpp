#include "connectors/whatsapp/opt_out_keywords.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::whatsapp {
namespace {

const KeywordMatcher& defaults() {
  static const KeywordMatcher kMatcher = KeywordMatcher::defaultOptOut();
  return kMatcher;
}

TEST(WhatsAppOptOutKeywords, DefaultListParses) {
  EXPECT_EQ(KeywordMatcher::parseList(kDefaultOptOutKeywords),
            (std::vector<std::string>{"STOP", "DUR", "DURDUR", "İPTAL", "IPTAL", "RET",
                                      "ABONELİKTEN ÇIK"}));
  // İPTAL and IPTAL fold to the same keyword.
  EXPECT_EQ(defaults().foldedKeywords(),
            (std::vector<std::string>{"abonelikten cik", "dur", "durdur", "iptal", "ret", "stop"}));
}

TEST(WhatsAppOptOutKeywords, EveryDefaultKeywordInSeveralCasings) {
  for (const char* text : {"STOP",
                           "stop",
                           "Stop",
                           "sToP",
                           "DUR",
                           "dur",
                           "Dur",
                           "DURDUR",
                           "durdur",
                           "Durdur",
                           "İPTAL",
                           "IPTAL",
                           "iptal",
                           "İptal",
                           "Iptal",
                           "ıptal",
                           "ıPTAL",
                           "RET",
                           "ret",
                           "Ret",
                           "ABONELİKTEN ÇIK",
                           "abonelikten çık",
                           "Abonelikten Çık",
                           "ABONELIKTEN CIK",
                           "abonelikten cik",
                           "aboneli̇kten çik"}) {
    EXPECT_TRUE(defaults().matches(text)) << text;
  }
}

TEST(WhatsAppOptOutKeywords, IssueExamples) {
  for (const char* text : {"iptal", "İptal", "IPTAL"}) {
    EXPECT_TRUE(defaults().matches(text)) << text;
  }
}

TEST(WhatsAppOptOutKeywords, TurkishIVariantsFoldTogether) {
  EXPECT_EQ(foldForKeywordMatch("İ"), "i");
  EXPECT_EQ(foldForKeywordMatch("I"), "i");
  EXPECT_EQ(foldForKeywordMatch("ı"), "i");
  EXPECT_EQ(foldForKeywordMatch("i"), "i");
  // A locale-unaware lower-casing of İ gives i + U+0307.
  EXPECT_EQ(foldForKeywordMatch("i\xCC\x87ptal"), "iptal");
  EXPECT_EQ(foldForKeywordMatch("I\xCC\x87PTAL"), "iptal");
}

TEST(WhatsAppOptOutKeywords, TurkishLettersFoldToTheirBase) {
  EXPECT_EQ(foldForKeywordMatch("ÇçŞşĞğÖöÜü"), "ccssggoouu");
  // Decomposed (NFD) forms fold like the precomposed ones.
  EXPECT_EQ(foldForKeywordMatch("C\xCC\xA7IK"), "cik");
  EXPECT_EQ(foldForKeywordMatch("s\xCC\xA7 g\xCC\x86 o\xCC\x88 U\xCC\x88"), "s g o u");
  EXPECT_TRUE(defaults().matches("ABONELI\xCC\x87KTEN C\xCC\xA7IK"));
  // A diaeresis on a letter that has no Turkish form is left alone.
  EXPECT_EQ(foldForKeywordMatch("a\xCC\x88"), "a\xCC\x88");
}

TEST(WhatsAppOptOutKeywords, OtherLettersAreLowerCasedWhereSimple) {
  EXPECT_EQ(foldForKeywordMatch("ÉÀÑ"), "éàñ");
  EXPECT_EQ(foldForKeywordMatch("ĄŁŹŽŸ"), "ąłźžÿ");
  EXPECT_EQ(foldForKeywordMatch("СТОП"), "стоп");
  EXPECT_EQ(foldForKeywordMatch("ΣΤΟΠ"), "στοπ");
  EXPECT_EQ(foldForKeywordMatch("ß×"), "ß×");
  EXPECT_EQ(foldForKeywordMatch("停止"), "停止");
}

TEST(WhatsAppOptOutKeywords, SurroundingPunctuationAndWhitespace) {
  for (const char* text :
       {" Stop! ", "STOP.", "stop!!!", "...stop...", "\tSTOP\r\n", "\"stop\"", "(stop)", "STOP…",
        "¡Stop!", "¿stop?", "“STOP”", "«İptal»", "STOP！", "\xC2\xA0stop\xC2\xA0",
        "\xE3\x80\x80STOP", "- stop -", "ST\xE2\x80\x8BOP", "\xEF\xBB\xBFstop"}) {
    EXPECT_TRUE(defaults().matches(text)) << text;
  }
}

TEST(WhatsAppOptOutKeywords, InnerWhitespaceRunsCollapse) {
  EXPECT_EQ(foldForKeywordMatch("  Abonelikten \t\n  Çık!  "), "abonelikten cik");
  EXPECT_TRUE(defaults().matches("ABONELİKTEN   ÇIK"));
  EXPECT_TRUE(defaults().matches("abonelikten\xC2\xA0\xC3\xA7\xC4\xB1k."));
  EXPECT_TRUE(defaults().matches("\nAbonelikten\n\nÇık\n"));
}

TEST(WhatsAppOptOutKeywords, InnerPunctuationIsKept) {
  EXPECT_EQ(foldForKeywordMatch("stop, please!"), "stop, please");
  EXPECT_FALSE(defaults().matches("stop, please"));
  EXPECT_FALSE(defaults().matches("S.T.O.P"));
  EXPECT_FALSE(defaults().matches("abonelikten-çık"));
}

TEST(WhatsAppOptOutKeywords, NonMatches) {
  for (const char* text : {"please stop sending", "stop sending", "don't stop", "stopp", "stops",
                           "sto", "st op", "durum", "iptal et", "retro", "", " ", "!!!", "…",
                           "🛑", "✋🙅", "STOP 🛑", "Does it come in another color?"}) {
    EXPECT_FALSE(defaults().matches(text)) << text;
  }
}

TEST(WhatsAppOptOutKeywords, InvalidUtf8NeverCrashes) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(foldForKeywordMatch("\xFF"), replacement);
  EXPECT_EQ(foldForKeywordMatch("st\xC3"), "st" + replacement);  // truncated sequence
  EXPECT_EQ(foldForKeywordMatch("\xC0\xAFx"), replacement + replacement + "x");  // overlong
  EXPECT_EQ(foldForKeywordMatch("\xED\xA0\x80"), replacement + replacement + replacement);
  EXPECT_EQ(foldForKeywordMatch("\xF4\x90\x80\x80"),
            replacement + replacement + replacement + replacement);  // above U+10FFFF
  EXPECT_FALSE(defaults().matches("STOP\xFF"));
  EXPECT_FALSE(defaults().matches("\x80\x80\x80"));
  EXPECT_FALSE(defaults().matches(std::string("S\0TOP", 5)));
  // Every possible lone byte and byte pair: no crash, output always decodes.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 17) {
      const std::string text{static_cast<char>(a), static_cast<char>(b)};
      const std::string folded = foldForKeywordMatch(text);
      // Idempotent, which also shows the output is valid UTF-8: an invalid
      // byte left in it would be replaced on the second pass.
      EXPECT_EQ(foldForKeywordMatch(folded), folded);
      (void)defaults().matches(text);
    }
  }
}

TEST(WhatsAppOptOutKeywords, ValidFourByteSequencesSurvive) {
  EXPECT_EQ(foldForKeywordMatch("\xF0\x9F\x9B\x91"), "\xF0\x9F\x9B\x91");  // 🛑
  EXPECT_EQ(foldForKeywordMatch("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");  // U+10FFFF
}

TEST(WhatsAppOptOutKeywords, FoldIsIdempotent) {
  for (const char* text : {" «İPTAL» ", "Abonelikten   Çık!", "ÉÀÑ stop", "ı İ I i"}) {
    const std::string once = foldForKeywordMatch(text);
    EXPECT_EQ(foldForKeywordMatch(once), once) << text;
  }
}

TEST(WhatsAppOptOutKeywords, CustomListFromIni) {
  const KeywordMatcher matcher(KeywordMatcher::parseList(" unsubscribe,, Çıkış ,  ,HAYIR  "));
  EXPECT_EQ(matcher.foldedKeywords(), (std::vector<std::string>{"cikis", "hayir", "unsubscribe"}));
  EXPECT_TRUE(matcher.matches("Unsubscribe"));
  EXPECT_TRUE(matcher.matches("cikis!"));
  EXPECT_TRUE(matcher.matches("hayır"));
  EXPECT_FALSE(matcher.matches("stop"));
}

TEST(WhatsAppOptOutKeywords, EmptyKeywordsAreIgnored) {
  const KeywordMatcher matcher(std::vector<std::string>{"", "   ", "!!", "…", "stop"});
  EXPECT_EQ(matcher.foldedKeywords(), std::vector<std::string>{"stop"});
  EXPECT_FALSE(matcher.matches(""));
  EXPECT_FALSE(matcher.matches("!!"));

  const KeywordMatcher none(KeywordMatcher::parseList(" , ,"));
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.matches(""));
  EXPECT_FALSE(none.matches("stop"));
  EXPECT_TRUE(KeywordMatcher::parseList("").empty());
}

TEST(WhatsAppOptOutKeywords, KeywordsWithPunctuationAreTrimmedToo) {
  const KeywordMatcher matcher(std::vector<std::string>{"STOP!", " «Dur» "});
  EXPECT_TRUE(matcher.matches("stop"));
  EXPECT_TRUE(matcher.matches("DUR"));
}

}  // namespace
}  // namespace cartrelay::whatsapp
