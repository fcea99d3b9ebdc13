#pragma once
// A multi-turn conversation of one user: each turn carries the session attributes the
// previous answer returned, keeps the session id, and is `new` only on the first turn.
//
//   skill::testing::Dialogue talk(skill, "anna");
//   CHECK(talk.say("HELLO_INTENT").type() == skill::ResponseType::ask_freetext);
//   CHECK(talk.say("HELLO_INTENT_REPROMPT", {{"name", "Anna"}}).text() == "Hello, Anna! ...");
#include <skill/testing/invocation_builder.hpp>
#include <skill/testing/reply.hpp>
#include <skill/testing/skill_runner.hpp>

#include <initializer_list>
#include <map>
#include <string>
#include <utility>

namespace skill::testing {

class Dialogue {
public:
    /// `token` identifies the user (the fake persistence's key, or a stub dev token).
    explicit Dialogue(SkillRunner& runner, std::string token = "test-user", std::string locale = "de",
                      std::string session_id = "dialogue-1");

    Reply say(std::string intent, std::initializer_list<std::pair<std::string, std::string>> slots = {});
    /// A fully built turn; its session, token and locale are replaced by the dialogue's.
    Reply say(InvocationBuilder turn);

    /// What the next turn will send (the last answer's session attributes).
    const std::map<std::string, std::string>& session_attributes() const noexcept { return attributes_; }
    /// Set before a turn, e.g. to resume a conversation mid-way.
    void set_session_attribute(std::string key, std::string value);
    int turns() const noexcept { return turns_; }

private:
    SkillRunner& runner_;
    std::string token_;
    std::string locale_;
    std::string session_id_;
    std::map<std::string, std::string> attributes_;
    int turns_ = 0;
};

}  // namespace skill::testing
