// Handlers run in process through the SDK's real dispatch (docs/testing.md).
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;

TEST_CASE("__INTENT__ greets by the name slot") {
    SkillRunner skill;
    CHECK_THAT(skill.run(invocation("__INTENT__").slot("name", "Anna")),
               IsTell() && SaysText("Hello, Anna!"));
    CHECK_THAT(skill.run(invocation("__INTENT__")), SaysText("Hello, there!"));
}
