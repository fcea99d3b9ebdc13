#include <skill/testing/dialogue.hpp>

namespace skill::testing {

Dialogue::Dialogue(SkillRunner& runner, std::string token, std::string locale, std::string session_id)
    : runner_(runner), token_(std::move(token)), locale_(std::move(locale)),
      session_id_(std::move(session_id)) {}

Reply Dialogue::say(std::string intent, std::initializer_list<std::pair<std::string, std::string>> slots) {
    auto turn = invocation(std::move(intent));
    turn.slots(slots);
    return say(std::move(turn));
}

Reply Dialogue::say(InvocationBuilder turn) {
    turn.token(token_).locale(locale_).session(session_id_, attributes_, turns_ == 0);
    auto reply = runner_.run(turn.build());
    ++turns_;
    // The platform sends back what the skill answered; an error answer keeps the old session.
    if (reply.ok()) attributes_ = reply.session_attributes();
    return reply;
}

void Dialogue::set_session_attribute(std::string key, std::string value) {
    attributes_[std::move(key)] = std::move(value);
}

}  // namespace skill::testing
