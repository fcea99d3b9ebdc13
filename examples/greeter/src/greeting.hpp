#pragma once
// The greeting both intents end with: by name when one is stored, with a card.
#include <skill/skill.hpp>

namespace greeter {

skill::Task<skill::Response> greeting(skill::Context& ctx);

}  // namespace greeter
