// The Response builders: tell/ask/ask_freetext and the chainable with_* setters.
#include <chrono>
#include <cstdio>
#include <skill/card_action.hpp>
#include <skill/response.hpp>
#include <stdexcept>
#include <utility>

namespace skill {
namespace {

Response make(ResponseType type, std::string text) {
    Response r;
    r.type = type;
    r.text = std::move(text);
    return r;
}

}  // namespace

Response tell(std::string text) {
    return make(ResponseType::tell, std::move(text));
}
Response ask(std::string text) {
    return make(ResponseType::ask, std::move(text));
}
Response ask_freetext(std::string text) {
    return make(ResponseType::ask_freetext, std::move(text));
}

Response& Response::with_card(Card c) & {
    card = std::move(c);
    return *this;
}

Response& Response::with_kit(KitAction kit) & {
    if (!result) result.emplace();
    // One kit per response: a second call replaces the first.
    Document parameters = kit.parameters.exists() ? std::move(kit.parameters) : Document::object();
    Document use_kit{
        {"kit_name", kit.kit_name},
        {"action", kit.action},
        {"parameters", std::move(parameters)},
    };
    result->data = std::move(result->data).with("use_kit", std::move(use_kit));
    return *this;
}

Response& Response::with_delayed_task(DelayedClientTask task) & {
    if (!result) result.emplace();
    result->delayed_client_task = std::move(task);
    return *this;
}

Response& Response::with_push_notification(std::string target, std::string payload) & {
    push_notification = PushNotification{std::move(target), std::move(payload)};
    return *this;
}

Response& Response::with_session(std::string key, std::string value) & {
    session_attributes.insert_or_assign(std::move(key), std::move(value));
    return *this;
}

// The rvalue overloads let a handler chain on a temporary: co_return tell("x").with_card(...).
Response&& Response::with_card(Card c) && {
    return std::move(with_card(std::move(c)));
}
Response&& Response::with_kit(KitAction kit) && {
    return std::move(with_kit(std::move(kit)));
}
Response&& Response::with_delayed_task(DelayedClientTask task) && {
    return std::move(with_delayed_task(std::move(task)));
}
Response&& Response::with_push_notification(std::string target, std::string payload) && {
    return std::move(with_push_notification(std::move(target), std::move(payload)));
}
Response&& Response::with_session(std::string key, std::string value) && {
    return std::move(with_session(std::move(key), std::move(value)));
}

Card& Card::with_action(std::string text, std::string target, std::string prominent_text) & {
    // The app opens what it is given: refuse anything but a deeplink or a web URL here, where
    // the handler's stack names the culprit, rather than send a card the app cannot follow.
    if (!card_action::valid(target))
        throw std::invalid_argument("card action '" + target +
                                    "' is neither an internal:// deeplink nor an http(s) URL");
    action_text = std::move(text);
    action = std::move(target);
    action_prominent_text = std::move(prominent_text);
    return *this;
}

Card&& Card::with_action(std::string text, std::string target, std::string prominent_text) && {
    return std::move(with_action(std::move(text), std::move(target), std::move(prominent_text)));
}

std::string iso_duration(std::chrono::milliseconds d) {
    using namespace std::chrono;
    if (d < milliseconds::zero())
        throw std::invalid_argument("a delayed task's offset must not be negative");
    if (d == milliseconds::zero()) return "P0D";  // what the platform (and isodate) writes
    const auto day_count = duration_cast<days>(d);
    d -= day_count;
    const auto h = duration_cast<hours>(d);
    d -= h;
    const auto m = duration_cast<minutes>(d);
    d -= m;
    const auto s = duration_cast<seconds>(d);
    const auto ms = (d - s).count();
    std::string out = "P";
    if (day_count.count()) out += std::to_string(day_count.count()) + "D";
    if (h.count() || m.count() || s.count() || ms) {
        out += 'T';
        if (h.count()) out += std::to_string(h.count()) + "H";
        if (m.count()) out += std::to_string(m.count()) + "M";
        if (s.count() || ms) {
            out += std::to_string(s.count());
            if (ms) {
                std::string frac = std::to_string(1000 + ms).substr(1);  // 3 digits
                while (frac.back() == '0') frac.pop_back();
                out += "." + frac;
            }
            out += 'S';
        }
    }
    return out;
}

DelayedClientTask& DelayedClientTask::after(std::chrono::milliseconds delay, TaskReference ref) & {
    offset = iso_duration(delay);
    reference = ref == TaskReference::speech_end ? "SPEECH_END" : "THIS_RESPONSE";
    execute_at.clear();
    return *this;
}

DelayedClientTask&& DelayedClientTask::after(std::chrono::milliseconds delay,
                                             TaskReference ref) && {
    return std::move(after(delay, ref));
}

DelayedClientTask& DelayedClientTask::at(std::chrono::sys_seconds time) & {
    using namespace std::chrono;
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    const int y = static_cast<int>(date.year());
    if (y < 0 || y > 9999)
        throw std::invalid_argument("a delayed task's time must be in years 0..9999");
    char text[64];  // room for any int, so -Wformat-truncation has nothing to say
    std::snprintf(
        text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
        static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()));
    execute_at = text;
    return *this;
}

DelayedClientTask&& DelayedClientTask::at(std::chrono::sys_seconds time) && {
    return std::move(at(time));
}

DelayedClientTask client_task(std::string intent, Document parameters, std::string skill_id) {
    if (intent.empty()) throw std::invalid_argument("a delayed task needs an intent");
    DelayedClientTask task;
    task.intent = std::move(intent);
    task.parameters = std::move(parameters);
    task.skill_id = std::move(skill_id);
    return task;
}

}  // namespace skill
