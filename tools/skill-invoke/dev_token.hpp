#pragma once
// --dev-token USER: a development token made by the local persistence-stub
// (`persistence-stub --dev-token USER SKILL`), so nobody pastes a made-up token.
#include <optional>
#include <string>

namespace skill::invoke {

struct DevToken {
    std::optional<std::string> token;
    std::string error;  // when there is none: what went wrong, and what to do
};

/// Runs the persistence-stub installed next to this program (`self`, argv[0]), else the
/// one on PATH, and returns the token it prints.
DevToken dev_token(const std::string& self, const std::string& user, const std::string& skill_id);

}  // namespace skill::invoke
