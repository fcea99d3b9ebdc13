#pragma once
// Ask again, a bounded number of times (the Python SDK's Reprompt):
//
//   SKILL_INTENT("PIZZA_INTENT") {
//       auto size = ctx.slot("size");
//       if (!size) co_return skill::reprompt(ctx, "Which size?", "Let's try later.", 2);
//       skill::reset_reprompt(ctx);
//       ...
//
// The counter lives in the session attribute `{intent}_reprompt_count` (or
// `{intent}_{entity}_reprompt_count`), so it survives the turns of one session.
#include <skill/context.hpp>
#include <skill/response.hpp>
#include <string>
#include <string_view>

namespace skill {

/// The first `max_reprompts` calls in a session answer ASK `text` (`type` when given) and
/// count in the session; the next answers TELL `stop_text` and clears the counter.
/// Throws std::invalid_argument when `max_reprompts` is 0.
Response reprompt(Context& ctx, std::string text, std::string stop_text, unsigned max_reprompts,
                  std::string_view entity = {}, ResponseType type = ResponseType::ask);

/// Forget the counter (call once the user gave an answer).
void reset_reprompt(Context& ctx, std::string_view entity = {});

/// The session attribute holding the counter.
std::string reprompt_counter_name(const Context& ctx, std::string_view entity = {});

}  // namespace skill
