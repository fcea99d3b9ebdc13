// Time zones (Howard Hinnant's date/tz over the system tzdata) behind std::chrono types:
// nothing of date/tz.h reaches a public header. GCC 12 has no std::chrono tzdb.
#include <date/tz.h>

#include <mutex>
#include <set>
#include <skill/context.hpp>
#include <skill/environment.hpp>
#include <skill/log.hpp>
#include <skill/time.hpp>
#include <stdexcept>
#include <string>

namespace skill {
namespace {

const date::time_zone* find_zone(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) return nullptr;  // the longest IANA name is ~32
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {  // unknown name, or no tzdata installed at all
        return nullptr;
    }
}

const date::time_zone& zone_or_throw(std::string_view name) {
    if (const auto* zone = find_zone(name)) return *zone;
    throw std::invalid_argument("unknown time zone '" + std::string(name) +
                                "' (not in the system tzdata)");
}

// Once per name, and only for the first few hundred names: a client sending a new bad name
// with every request must not grow memory or flood the log.
void log_unknown_once(std::string_view name, std::string_view fallback) {
    static std::mutex mutex;
    static std::set<std::string, std::less<>> seen;
    {
        std::lock_guard lock(mutex);  // only on this rare path: a bad name
        if (seen.size() >= 256 || seen.contains(name)) return;
        seen.emplace(name);
    }
    log::warning("time", "unknown time zone in the invocation, using the default",
                 {{"timezone", name}, {"default", fallback}});
}

std::chrono::local_seconds std_local(date::local_seconds t) {
    return std::chrono::local_seconds{t.time_since_epoch()};
}

}  // namespace

bool known_timezone(std::string_view zone) {
    return find_zone(zone) != nullptr;
}

std::chrono::local_seconds to_local(std::chrono::sys_seconds t, std::string_view zone) {
    return std_local(zone_or_throw(zone).to_local(t));
}

std::chrono::sys_seconds to_utc(std::chrono::local_seconds t, std::string_view zone) {
    const auto& z = zone_or_throw(zone);
    const date::local_seconds local{t.time_since_epoch()};
    const auto info = z.get_info(local);
    if (info.result == date::local_info::nonexistent)  // in the gap: as the clock moved on
        return std::chrono::sys_seconds{t.time_since_epoch()} - info.first.offset;
    return z.to_sys(local, date::choose::earliest);
}

std::string_view Context::timezone() const {
    const std::string_view fallback =
        environment_ ? std::string_view(environment_->default_timezone) : "UTC";
    auto it = invocation_.attributes.find("timezone");
    if (it == invocation_.attributes.end() || it->second.empty()) return fallback;
    const std::string& asked = it->second.front();
    if (find_zone(asked)) return asked;
    log_unknown_once(asked, fallback);
    return fallback;
}

ZonedTime Context::now() const {
    const auto clock = environment_ && environment_->fixed_now ? *environment_->fixed_now
                                                               : std::chrono::system_clock::now();
    const auto utc = std::chrono::floor<std::chrono::seconds>(clock);
    const std::string_view zone_name = timezone();
    const auto* zone = find_zone(zone_name);
    // The default was checked at start-up; without tzdata at all, the wall clock is UTC.
    const auto local =
        zone ? std_local(zone->to_local(utc)) : std::chrono::local_seconds{utc.time_since_epoch()};
    return ZonedTime{utc, local, zone ? zone_name : std::string_view("UTC")};
}

LocalDate Context::today() const {
    return now().date();
}

}  // namespace skill
