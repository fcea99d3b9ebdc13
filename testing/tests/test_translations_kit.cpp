// Translations in the test kit: the catalog check against the keys the code uses, the
// runner's strict mode, locales per invocation and the Dialogue keeping its locale.
#include <skill/skill.hpp>
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;

TEST_CASE("the hello skill's catalogs have every key its code uses, with the same placeholders") {
    CHECK(translation_problems(HELLO_POT_FILE, HELLO_PO_DIR, "de") == "");
}

TEST_CASE(
    "translation_problems names each problem: missing, fuzzy, plural, placeholders, dead keys") {
    const std::string dir = FIXTURE_DIR;
    CHECK(translation_problems(dir + "/app.pot", dir, "en") ==
          "de.po: APPLES: 1 plural forms, Plural-Forms says 2\n"
          "de.po: APPLES: placeholders none, en.po has {n}\n"
          "de.po: BYE: marked fuzzy (msgfmt leaves it out)\n"
          "de.po: BYE: placeholders {nam}, en.po has {name}\n"
          "de.po: GREETING: missing\n"
          "de.po: ONE_TEXT: a plural entry, but the code calls tr(), not tr_n()\n"
          "de.po: OLD_KEY: not used in the code\n");
}

TEST_CASE("translation_problems reports a missing default catalog and an empty directory") {
    const std::string dir = FIXTURE_DIR;
    CHECK_THAT(translation_problems(dir + "/app.pot", dir, "fr"),
               Catch::Contains("fr.po: missing (the default language)"));
    CHECK_THAT(translation_problems(dir + "/app.pot", "/nonexistent", "en"),
               Catch::Contains("/nonexistent"));
}

namespace {

skill::Task<skill::Response> apples(skill::Context& ctx) {
    const auto n = ctx.slot_or<std::int64_t>("n", 1);
    co_return skill::tell(ctx.locale() + ": " + ctx.tr_n("APPLES", "APPLES_PLURAL", n));
}

skill::Task<skill::Response> greet(skill::Context& ctx) {
    co_return skill::tell(
        ctx.tr("GREETING", skill::arg("name", ctx.slot_or<std::string>("name", "du"))));
}

skill::Task<skill::Response> forgets_the_name(skill::Context& ctx) {
    co_return skill::tell(ctx.tr("GREETING"));
}

skill::Task<skill::Response> unknown_key(skill::Context& ctx) {
    co_return skill::tell(ctx.tr("NO_SUCH_KEY"));
}

const skill::IntentRegistry& registry() {
    static const skill::IntentRegistry r = [] {
        skill::IntentRegistry r;
        r.add("APPLES", apples);
        r.add("GREET", greet);
        r.add("FORGETS", forgets_the_name);
        r.add("UNKNOWN", unknown_key);
        return r;
    }();
    return r;
}

RunnerOptions options() {
    // tests/unit/i18n: de, de_AT, en, fr, ru; the default language de.
    return RunnerOptions{
        .skill_id = "test", .locale_dir = TEST_LOCALE_DIR, .locales = "de, en, ru"};
}

}  // namespace

TEST_CASE("each invocation is answered in its locale; plural forms by its catalog") {
    SkillRunner skill(registry(), options());
    CHECK_THAT(skill.run(invocation("APPLES").locale("ru").slot("n", "3")),
               SaysText("ru: 3 яблока"));
    CHECK_THAT(skill.run(invocation("APPLES").locale("ru").slot("n", "25")),
               SaysText("ru: 25 яблок"));
    CHECK_THAT(skill.run(invocation("APPLES").locale("en").slot("n", "1")),
               SaysText("en: one apple"));
    CHECK_THAT(skill.run(invocation("APPLES").locale("de-AT").slot("n", "2")),
               SaysText("de-AT: 2 Äpfel"));
    CHECK_THAT(skill.run(invocation("GREET").locale("de-AT").slot("name", "Anna")),
               SaysText("Servus, Anna!"));
    // fr has a catalog but is not served ([skill] locales): the default language answers,
    // while the handler still sees the invocation's locale.
    CHECK_THAT(skill.run(invocation("APPLES").locale("fr").slot("n", "2")),
               SaysText("fr: 2 Äpfel"));
    CHECK_THAT(skill.run(invocation("GREET").locale("fr")), SaysText("Hallo, du!"));
}

TEST_CASE("a Dialogue keeps its locale across turns") {
    SkillRunner skill(registry(), options());
    Dialogue ivan(skill, "ivan", "ru");
    CHECK_THAT(ivan.say("APPLES", {{"n", "1"}}), SaysText("ru: 1 яблоко"));
    CHECK_THAT(ivan.say("APPLES", {{"n", "2"}}), SaysText("ru: 2 яблока"));
    CHECK_THAT(ivan.say(invocation("APPLES").locale("en").slot("n", "5")), SaysText("ru: 5 яблок"));
}

TEST_CASE("the runner's strict translations turn a missing key or argument into a failing reply") {
    SkillRunner skill(registry(), options());
    auto missing = skill.run(invocation("UNKNOWN"));
    CHECK(missing.status == 500);
    CHECK_THAT(missing.detail(), Catch::Contains("translation missing: NO_SUCH_KEY"));
    auto no_arg = skill.run(invocation("FORGETS"));
    CHECK(no_arg.status == 500);
    CHECK_THAT(no_arg.detail(), Catch::Contains("{name}"));

    auto lenient_options = options();
    lenient_options.strict_translations = false;
    SkillRunner lenient(registry(), lenient_options);
    CHECK_THAT(lenient.run(invocation("UNKNOWN")), SaysText("NO_SUCH_KEY"));
    CHECK_THAT(lenient.run(invocation("FORGETS")), SaysText("Hallo, {name}!"));
}
