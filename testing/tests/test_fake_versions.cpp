// FakePersistence's versions: ETags as the stub sends them, conditional writes, injected
// conflicts, and a service without versions; seen through handlers that use update() and
// set(if_unchanged).
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;
using skill::Document;

namespace {

skill::Task<skill::Response> visit(skill::Context& ctx) {
    auto add_visit = [](Document data) {
        return data.with("visits", data["visits"].value_or(0) + 1);
    };
    auto stored = co_await ctx.persistence().update(add_visit);
    co_return skill::tell(std::to_string(stored["visits"].value_or(0)) + " " +
                          std::string(ctx.persistence().version()));
}

// VISIT with at most three attempts.
skill::Task<skill::Response> visit_thrice(skill::Context& ctx) {
    auto add_visit = [](Document data) {
        return data.with("visits", data["visits"].value_or(0) + 1);
    };
    skill::UpdateOptions three{.max_attempts = 3};
    auto stored = co_await ctx.persistence().update(add_visit, three);
    co_return skill::tell(std::to_string(stored["visits"].value_or(0)));
}

// Renames only if nobody wrote since the read; says what happened.
skill::Task<skill::Response> rename(skill::Context& ctx) {
    auto data = co_await ctx.persistence().get();
    auto renamed = data.with("name", ctx.slot("name").value_or("?"));
    skill::SetOptions only_if{.replace = true, .if_unchanged = true};
    try {
        co_await ctx.persistence().set(std::move(renamed), only_if);
    } catch (const skill::PersistenceError& e) {
        co_return skill::tell(std::string(skill::to_string(e.code())) + " " +
                              std::to_string(e.http_status()));
    }
    co_return skill::tell("renamed");
}

const skill::IntentRegistry& registry() {
    static const skill::IntentRegistry r = [] {
        skill::IntentRegistry r;
        r.add("VISIT", visit);
        r.add("VISIT_THRICE", visit_thrice);
        r.add("RENAME", rename);
        return r;
    }();
    return r;
}

}  // namespace

TEST_CASE("the fake versions every write and answers the version as an ETag") {
    SkillRunner skill(registry());
    auto& fake = skill.persistence();
    CHECK(fake.version("anna") == 0);
    CHECK_THAT(skill.run(invocation("VISIT").token("anna")), SaysText("1 \"1\""));
    CHECK_THAT(skill.run(invocation("VISIT").token("anna")), SaysText("2 \"2\""));
    fake.put("anna", {{"visits", 10}});  // a seed is a write too
    CHECK(fake.version("anna") == 3);
    CHECK_THAT(skill.run(invocation("VISIT").token("anna")), SaysText("11 \"4\""));
    CHECK(fake.conflicts() == 0);
}

TEST_CASE("conflict_next: update() retries the lost rounds and counts once") {
    SkillRunner skill(registry());
    auto& fake = skill.persistence();
    fake.put("anna", {{"visits", 5}});
    fake.conflict_next(3);
    CHECK_THAT(skill.run(invocation("VISIT").token("anna")), SaysText("6 \"5\""));
    CHECK(fake.conflicts() == 3);
    using Op = skill::PersistenceTransport::Operation;
    // Each lost round: a fresh read, then the write again.
    CHECK(fake.operations() ==
          std::vector<Op>{Op::get, Op::set, Op::get, Op::set, Op::get, Op::set, Op::get, Op::set});
    CHECK(fake.data("anna")["visits"].as_int() == 6);
}

TEST_CASE("conflict_next on an absent entry: another writer created it first") {
    SkillRunner skill(registry());
    auto& fake = skill.persistence();
    fake.conflict_next(1);
    CHECK_THAT(skill.run(invocation("VISIT").token("bob")), SaysText("1 \"2\""));
    CHECK(fake.conflicts() == 1);
}

TEST_CASE("more conflicts than update() attempts: the conflict error, the apology") {
    SkillRunner skill(registry());
    skill.persistence().conflict_next(3);
    auto reply = skill.run(invocation("VISIT_THRICE").token("anna"));
    CHECK(reply.persistence_failed);
    CHECK(skill.persistence().data("anna").exists());  // the injected writer's empty entry
    CHECK_FALSE(skill.persistence().data("anna")["visits"].exists());
    CHECK(skill.persistence().conflicts() == 3);
    CHECK_THAT(skill.run(invocation("VISIT_THRICE").token("anna")), SaysText("1"));
}

TEST_CASE("set(if_unchanged): a conflict reaches the handler as conflict 412, nothing stored") {
    SkillRunner skill(registry());
    auto& fake = skill.persistence();
    fake.put("anna", {{"name", "Anna"}});
    fake.conflict_next(1);
    CHECK_THAT(skill.run(invocation("RENAME").slot("name", "Ben").token("anna")),
               SaysText("conflict 412"));
    CHECK(fake.data("anna")["name"].as_string() == "Anna");
    CHECK_THAT(skill.run(invocation("RENAME").slot("name", "Ben").token("anna")),
               SaysText("renamed"));
    CHECK(fake.data("anna")["name"].as_string() == "Ben");
}

TEST_CASE("send_versions(false): no ETag, conditions ignored, update() writes unconditionally") {
    SkillRunner skill(registry());
    auto& fake = skill.persistence();
    fake.send_versions(false);
    fake.conflict_next(1);  // no effect: the fake ignores the conditions it is not sent
    CHECK_THAT(skill.run(invocation("VISIT").token("anna")), SaysText("1 "));
    CHECK_THAT(skill.run(invocation("VISIT").token("anna")), SaysText("2 "));
    CHECK(fake.conflicts() == 0);
}
