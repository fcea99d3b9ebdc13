// Handlers run in process through the SDK's real dispatch (docs/testing.md).
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;

namespace {
// The catalogs skill_add_translations() compiled (CMakeLists.txt passes their places).
RunnerOptions options() { return RunnerOptions{.locale_dir = LOCALE_DIR, .domain = "__SKILL__"}; }
}  // namespace

TEST_CASE("__INTENT__ greets by the name slot, in the invocation's language") {
    SkillRunner skill(options());
    CHECK_THAT(skill.run(invocation("__INTENT__").slot("name", "Anna").locale("en")),
               IsTell() && SaysText("Hello, Anna!"));
    CHECK_THAT(skill.run(invocation("__INTENT__").slot("name", "Anna").locale("de")), SaysText("Hallo, Anna!"));
    CHECK_THAT(skill.run(invocation("__INTENT__").locale("en")), SaysText("Hello there! What's your name?"));
}

TEST_CASE("every text the code uses is in every catalog, with the same placeholders") {
    CHECK(translation_problems(POT_FILE, PO_DIR, "de") == "");
}
