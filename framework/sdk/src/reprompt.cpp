// Bounded re-prompts, counted in the session (the Python SDK's Reprompt, same attribute name
// so a session carries over).
#include <skill/reprompt.hpp>
#include <skill/slots.hpp>
#include <stdexcept>

namespace skill {

std::string reprompt_counter_name(const Context& ctx, std::string_view entity) {
    std::string name = ctx.intent();
    if (!entity.empty()) {
        name += '_';
        name += entity;
    }
    return name + "_reprompt_count";
}

Response reprompt(Context& ctx, std::string text, std::string stop_text, unsigned max_reprompts,
                  std::string_view entity, ResponseType type) {
    if (max_reprompts == 0)
        throw std::invalid_argument("reprompt: max_reprompts must be at least 1");
    auto& session = ctx.session_attributes();
    const std::string name = reprompt_counter_name(ctx, entity);
    std::int64_t count = 1;
    if (auto it = session.find(name); it != session.end()) {
        // A counter that is not a number (tampered, another SDK's) starts again.
        if (auto n = slot_text::integer(it->second); n && *n >= 0) count = *n + 1;
    }
    if (count > static_cast<std::int64_t>(max_reprompts)) {
        session.erase(name);
        return tell(std::move(stop_text));
    }
    session.insert_or_assign(name, std::to_string(count));
    Response r;
    r.type = type;
    r.text = std::move(text);
    return r;
}

void reset_reprompt(Context& ctx, std::string_view entity) {
    ctx.session_attributes().erase(reprompt_counter_name(ctx, entity));
}

}  // namespace skill
