// The Response builders: tell/ask/ask_freetext and the chainable with_* setters.
#include <skill/response.hpp>

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

Response tell(std::string text) { return make(ResponseType::tell, std::move(text)); }
Response ask(std::string text) { return make(ResponseType::ask, std::move(text)); }
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
Response&& Response::with_card(Card c) && { return std::move(with_card(std::move(c))); }
Response&& Response::with_kit(KitAction kit) && { return std::move(with_kit(std::move(kit))); }
Response&& Response::with_delayed_task(DelayedClientTask task) && {
    return std::move(with_delayed_task(std::move(task)));
}
Response&& Response::with_push_notification(std::string target, std::string payload) && {
    return std::move(with_push_notification(std::move(target), std::move(payload)));
}
Response&& Response::with_session(std::string key, std::string value) && {
    return std::move(with_session(std::move(key), std::move(value)));
}

}  // namespace skill
