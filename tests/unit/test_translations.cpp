// gettext catalogs through Boost.Locale: the fallback chain de-AT -> de -> default, plural
// forms by each catalog's Plural-Forms (2 for de/en, 3 for ru), missing keys, unsupported
// locales, [skill] locales narrowing the catalogs, and start-up errors.
// Catalogs: tests/unit/i18n/*.po, compiled by skill_add_translations (tests/CMakeLists.txt).
#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <skill/config.hpp>
#include <skill/translations.hpp>

#include "i18n.hpp"
#include "stderr_capture.hpp"

using namespace skill;

namespace {

TranslationOptions options(std::string default_locale = "en",
                           std::vector<std::string> locales = {}) {
    TranslationOptions o;
    o.dir = TEST_LOCALE_DIR;
    o.domain = "test";
    o.default_locale = std::move(default_locale);
    o.locales = std::move(locales);
    return o;
}

template <class... A>
std::string tr(const Translations& t, std::string_view locale, std::string_view key,
               const A&... a) {
    const std::array<MessageArg, sizeof...(A)> args{MessageArg(a)...};
    return translate(t.resolve(locale).translator, key, args);
}

std::string tr_n(const Translations& t, std::string_view locale, long long n) {
    const std::array<MessageArg, 1> args{arg("n", n)};
    return translate_plural(t.resolve(locale).translator, "APPLES", "APPLES_PLURAL", n, args);
}

std::size_t count_lines(const std::vector<std::string>& lines, std::string_view text) {
    std::size_t n = 0;
    for (const auto& l : lines) n += l.find(text) != std::string::npos;
    return n;
}

}  // namespace

TEST_CASE("every catalog in the directory is loaded and listed as a BCP 47 tag") {
    const auto t = Translations::load(options());
    CHECK(t.has_catalogs());
    CHECK(t.locales() == std::vector<std::string>{"de", "de-AT", "en", "fr", "ru"});
}

TEST_CASE("a key resolves along the chain: the region, its language, the default language") {
    const auto t = Translations::load(options("en"));
    CHECK(tr(t, "de-AT", "GREETING", arg("name", "Anna")) == "Servus, Anna!");  // de_AT.po
    CHECK(tr(t, "de-AT", "ONLY_DE") == "nur deutsch");                          // de.po
    CHECK(tr(t, "de-AT", "ONLY_EN") == "english only");  // en.po, the default
    CHECK(tr(t, "de", "GREETING", arg("name", "Anna")) == "Hallo, Anna!");
    CHECK(tr(t, "de-CH", "GREETING", arg("name", "Anna")) == "Hallo, Anna!");  // no de_CH: de
    CHECK(tr(t, "en", "GREETING", arg("name", "Anna")) == "Hello, Anna!");
    CHECK(tr(t, "de", "ORDER", "eins", "zwei") == "zwei vor eins");
    CHECK(translator_locale(t.resolve("de-AT").translator) == "de-AT");
    CHECK(translator_locale(t.resolve("de-CH").translator) == "de");
}

TEST_CASE("locale spellings: BCP 47, POSIX, any case, with script or charset") {
    const auto t = Translations::load(options());
    for (const char* l : {"de-AT", "de_AT", "DE-at", "de_AT.UTF-8", "de-Latn-AT", "de_AT@euro"}) {
        INFO(l);
        CHECK(t.resolve(l).supported);
        CHECK(translator_locale(t.resolve(l).translator) == "de-AT");
    }
    for (const char* l : {"", "-", "d", "deutsch", "1234", "x-y"}) {
        INFO(l);
        CHECK_FALSE(t.resolve(l).supported);
    }
}

TEST_CASE("plural forms follow each catalog's Plural-Forms header") {
    const auto t = Translations::load(options());
    CHECK(tr_n(t, "en", 1) == "one apple");
    CHECK(tr_n(t, "en", 0) == "0 apples");
    CHECK(tr_n(t, "en", 2) == "2 apples");
    CHECK(tr_n(t, "de", 1) == "Ein Apfel");
    CHECK(tr_n(t, "de", 5) == "5 Äpfel");
    CHECK(tr_n(t, "de-AT", 5) == "5 Äpfel");  // de_AT has no APPLES: de's
    // Russian: one (1, 21, 101), few (2-4, 22-24), many (0, 5-20, 11-14, 25...).
    CHECK(tr_n(t, "ru", 1) == "1 яблоко");
    CHECK(tr_n(t, "ru", 21) == "21 яблоко");
    CHECK(tr_n(t, "ru", 2) == "2 яблока");
    CHECK(tr_n(t, "ru", 24) == "24 яблока");
    CHECK(tr_n(t, "ru", 5) == "5 яблок");
    CHECK(tr_n(t, "ru", 11) == "11 яблок");
    CHECK(tr_n(t, "ru", 12) == "12 яблок");
    CHECK(tr_n(t, "ru", 0) == "0 яблок");
    // Counts beyond int keep the residues the rules read.
    CHECK(tr_n(t, "ru", 10'000'000'001) == "10000000001 яблоко");
    CHECK(tr_n(t, "ru", 10'000'000'003) == "10000000003 яблока");
    CHECK(tr_n(t, "ru", -5) == "-5 яблок");
}

TEST_CASE("a key no catalog has is its own text, logged once per key") {
    const auto t = Translations::load(options());
    test::StderrCapture log;
    CHECK(tr(t, "de", "NO_SUCH_KEY") == "NO_SUCH_KEY");
    CHECK(tr(t, "en", "NO_SUCH_KEY") == "NO_SUCH_KEY");
    const std::array<MessageArg, 1> args{arg("n", 2)};
    CHECK(translate_plural(t.resolve("de").translator, "NO_ONE", "NO_MANY", 2, args) == "NO_MANY");
    CHECK(translate_plural(t.resolve("de").translator, "NO_ONE", "NO_MANY", 1, args) == "NO_ONE");
    const auto lines = log.lines();
    CHECK(count_lines(lines, "NO_SUCH_KEY") == 1);
    CHECK(count_lines(lines, "translation missing") == 2);
}

TEST_CASE("a placeholder without an argument stays visible and is logged") {
    const auto t = Translations::load(options());
    test::StderrCapture log;
    CHECK(tr(t, "de", "GREETING") == "Hallo, {name}!");
    CHECK(count_lines(log.lines(), "placeholder without an argument {name}") == 1);
}

TEST_CASE("strict translations throw instead of logging (the test kit's mode)") {
    auto o = options();
    o.strict = true;
    const auto t = Translations::load(o);
    CHECK_THROWS_WITH(tr(t, "de", "NO_SUCH_KEY"),
                      Catch::Contains("translation missing: NO_SUCH_KEY"));
    CHECK_THROWS_WITH(tr(t, "de", "GREETING"), Catch::Contains("{name}"));
    CHECK(tr(t, "de", "GREETING", arg("name", "A")) == "Hallo, A!");
}

TEST_CASE("an unsupported locale is answered through the default language and logged once") {
    const auto t = Translations::load(options("de", {"de", "en"}));
    CHECK(t.locales() == std::vector<std::string>{"de", "de-AT", "en"});  // fr, ru not served
    test::StderrCapture log;
    const auto fr = t.resolve("fr-FR");
    CHECK_FALSE(fr.supported);
    CHECK(translator_locale(fr.translator) == "de");
    CHECK(tr(t, "fr-FR", "GREETING", arg("name", "Anna")) == "Hallo, Anna!");  // not fr.po
    CHECK(tr(t, "fr-FR", "GREETING", arg("name", "Anna")) == "Hallo, Anna!");
    t.resolve("it");
    const auto lines = log.lines();
    CHECK(count_lines(lines, "fr-FR") == 1);
    CHECK(count_lines(lines, "\"it\"") == 1);
    CHECK(count_lines(lines, "locale not supported") == 2);
}

TEST_CASE("a flood of made-up locales logs at most 64 of them") {
    const auto t = Translations::load(options());
    test::StderrCapture log;
    for (int i = 0; i < 500; ++i) t.resolve("x" + std::to_string(i));  // not even a language
    for (int i = 0; i < 500; ++i) t.resolve("x" + std::to_string(i));
    const auto lines = log.lines();
    CHECK(count_lines(lines, "locale not supported") == 64);
    CHECK(count_lines(lines, "further ones are not logged") == 1);
}

TEST_CASE(
    "start-up fails, naming it, for a served locale or a default language without a catalog") {
    CHECK_THROWS_WITH(Translations::load(options("de", {"de", "it"})),
                      Catch::Contains("[skill] locales: it: no catalog test.mo"));
    CHECK_THROWS_WITH(Translations::load(options("it")), Catch::Contains("default language 'it'"));
    CHECK_THROWS_WITH(Translations::load(options("de", {"de", "not a locale!"})),
                      Catch::Contains("not a locale"));
}

TEST_CASE("a file that is not a compiled catalog stops start-up") {
    const auto dir = std::filesystem::temp_directory_path() / "skill-i18n-bad";
    std::filesystem::create_directories(dir / "de" / "LC_MESSAGES");
    std::ofstream(dir / "de" / "LC_MESSAGES" / "test.mo") << "msgid \"x\"\n";  // a .po, not a .mo
    auto o = options("de");
    o.dir = dir.string();
    CHECK_THROWS_WITH(Translations::load(o), Catch::Contains("not a compiled gettext catalog"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("without catalogs keys are their own text and the configured locales are served") {
    auto o = options("de", {"de", "en"});
    o.dir = "/nonexistent";
    const auto t = Translations::load(o);
    CHECK_FALSE(t.has_catalogs());
    CHECK(t.locales() == std::vector<std::string>{"de", "en"});
    CHECK(t.resolve("en-US").supported);
    CHECK_FALSE(t.resolve("fr").supported);
    CHECK(t.resolve("de").translator == nullptr);
    CHECK(tr(t, "de", "Hello, {name}!", arg("name", "Anna")) == "Hello, Anna!");
}

TEST_CASE(
    "the runtime serves the catalogs' locales; a set [i18n] dir without catalogs stops start-up") {
    runtime::Settings s;
    s.skill.name = "test";
    s.skill.locales = {"en", "de"};
    s.skill.locales_given = true;
    s.i18n.dir = TEST_LOCALE_DIR;
    const auto t = runtime::load_translations(s);
    CHECK(s.skill.locales ==
          std::vector<std::string>{"de", "de-AT", "en"});  // /info supportedLocales
    CHECK(t.default_locale() == "en");
    CHECK(translator_locale(t.resolve("fr").translator) == "en");

    s.i18n.domain = "no-such-domain";
    CHECK_THROWS_WITH(runtime::load_translations(s),
                      Catch::Contains("no catalog <lang>/LC_MESSAGES/no-such-domain.mo"));
    s.i18n.domain.clear();
    s.i18n.dir = "/nonexistent";
    CHECK_THROWS_WITH(runtime::load_translations(s),
                      Catch::Contains("[i18n] dir = '/nonexistent'"));
}
