#pragma once
// What every Context reads beyond its invocation, made once by the runtime (the Engine) from
// skill.conf: the skill's own config sections, its default time zone, and the clock the test
// kit may fix. Handlers reach it through ctx.config(), ctx.timezone(), ctx.now().
#include <optional>
#include <skill/clock.hpp>
#include <skill/config.hpp>
#include <string>

namespace skill {

struct HandlerEnvironment {
    /// The skill's own sections of skill.conf; the framework's are hidden (Config::without).
    Config config{};
    /// [skill] timezone: the zone of a user whose invocation carries no known one.
    std::string default_timezone = "UTC";
    /// When set, ctx.now() answers this instead of the system clock (the test kit).
    std::optional<std::chrono::system_clock::time_point> fixed_now{};
};

}  // namespace skill
