// The client kits' commands with the parameter names the device reads (protocol.md §3).
#include <skill/kits.hpp>
#include <stdexcept>
#include <utility>

namespace skill::kit {
namespace {

KitAction make(std::string_view kit, std::string_view action,
               Document parameters = Document::object()) {
    return KitAction{std::string(kit), std::string(action), std::move(parameters)};
}

std::string_view content_name(audio_player::Content c) {
    return c == audio_player::Content::voicemail ? "voicemail" : "radio";
}

std::string checked_stream(std::string url) {
    // The device fetches it: an http(s) URL without spaces or control characters.
    bool ok = url.starts_with("http://") || url.starts_with("https://");
    for (const char ch : url)
        if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F) ok = false;
    if (!ok) throw std::invalid_argument("audio_player: not an http(s) stream URL: '" + url + "'");
    return url;
}

}  // namespace

namespace audio_player {
KitAction play_stream(std::string url) {
    Document parameters{{"url", checked_stream(std::move(url))}};
    return make("audio_player", "play_stream", std::move(parameters));
}
KitAction play_stream_before_text(std::string url) {
    Document parameters{{"url", checked_stream(std::move(url))}};
    return make("audio_player", "play_stream_before_text", std::move(parameters));
}
KitAction stop(Content content, std::string text) {
    Document parameters{{"content_type", content_name(content)},
                        {"notify", {{"not_playing", text}}}};
    return make("audio_player", "stop", std::move(parameters));
}
KitAction pause(Content content, std::string text) {
    Document parameters{{"content_type", content_name(content)},
                        {"notify", {{"not_playing", text}}}};
    return make("audio_player", "pause", std::move(parameters));
}
KitAction resume(Content content) {
    Document parameters{{"content_type", content_name(content)}};
    return make("audio_player", "resume", std::move(parameters));
}
}  // namespace audio_player

namespace calendar {
KitAction snooze_start(std::optional<std::chrono::seconds> by) {
    if (!by) return make("calendar", "snooze_start");
    if (by->count() <= 0) throw std::invalid_argument("calendar: snooze seconds must be positive");
    Document parameters{{"snooze_seconds", static_cast<std::int64_t>(by->count())}};
    return make("calendar", "snooze_start", std::move(parameters));
}
KitAction snooze_cancel() {
    return make("calendar", "snooze_cancel");
}
}  // namespace calendar

namespace system {
KitAction stop(std::optional<Activity> activity) {
    if (!activity) return make("system", "stop");
    const std::string_view name = *activity == Activity::timer          ? "Timer"
                                  : *activity == Activity::conversation ? "Conversation"
                                                                        : "Media";
    Document parameters{{"skill", name}};
    return make("system", "stop", std::move(parameters));
}
KitAction pause() {
    return make("system", "pause");
}
KitAction resume() {
    return make("system", "resume");
}
KitAction next() {
    return make("system", "next");
}
KitAction previous() {
    return make("system", "previous");
}
KitAction say_again() {
    return make("system", "say_again");
}
KitAction volume_up() {
    return make("system", "volume_up");
}
KitAction volume_down() {
    return make("system", "volume_down");
}
KitAction volume_to(int level) {
    if (level < 0 || level > 10)
        throw std::invalid_argument("system: volume " + std::to_string(level) + " is not in 0..10");
    Document parameters{{"value", level}};
    return make("system", "volume_to", std::move(parameters));
}
}  // namespace system

namespace timer {
KitAction set_timer() {
    return make("timer", "set_timer");
}
KitAction cancel_timer() {
    return make("timer", "cancel_timer");
}
}  // namespace timer

}  // namespace skill::kit
