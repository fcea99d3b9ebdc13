#pragma once
// What a handler answers: build with tell() / ask() / ask_freetext() and chain.
//
//   co_return skill::tell("Hello!").with_card({.title_text = "Hello"});
#include <skill/document.hpp>

#include <map>
#include <optional>
#include <string>

namespace skill {

enum class ResponseType { tell, ask, ask_freetext };

/// GENERIC_DEFAULT card (protocol.md §3); empty fields are not sent.
// Every member has a default initializer so designated initializers that name only some of
// them ({.title_text = "Hi"}) stay clean under -Wextra (-Wmissing-field-initializers).
struct Card {
    std::string title_text{};
    std::string text{};
    std::string sub_text{};
    std::string icon_url{};
    std::string action{};  // e.g. "internal://showResponseText"
    std::string action_text{};
};

/// A kit action in result.data.use_kit, e.g. {"audio_player", "play_stream", {{"url", u}}}.
struct KitAction {
    std::string kit_name{};
    std::string action{};
    Document parameters{};  // a JSON object; missing is sent as {}
};

/// result.delayedClientTask: invoke `intent` after `offset` (ISO duration) from `reference`.
struct DelayedClientTask {
    std::string intent{};
    Document parameters{};  // a JSON object; missing is sent as {}
    std::string reference = "SPEECH_END";
    std::string offset{};  // e.g. "PT10S"
};

struct Result {
    Document data{};  // a JSON object (use_kit goes here); missing is sent as {}
    bool local = true;
    std::string target_device_id{};
    std::optional<DelayedClientTask> delayed_client_task{};
};

struct PushNotification {
    std::string target_name{};
    std::string message_payload{};
};

struct Response {
    ResponseType type = ResponseType::tell;
    std::string text;
    std::optional<Card> card;
    std::optional<Result> result;
    std::optional<PushNotification> push_notification;
    std::map<std::string, std::string> session_attributes;

    Response&& with_card(Card c) &&;
    Response&& with_kit(KitAction kit) &&;
    Response&& with_delayed_task(DelayedClientTask task) &&;
    Response&& with_push_notification(std::string target, std::string payload) &&;
    Response&& with_session(std::string key, std::string value) &&;
    Response& with_card(Card c) &;
    Response& with_kit(KitAction kit) &;
    Response& with_delayed_task(DelayedClientTask task) &;
    Response& with_push_notification(std::string target, std::string payload) &;
    Response& with_session(std::string key, std::string value) &;
};

Response tell(std::string text);
Response ask(std::string text);
Response ask_freetext(std::string text);

}  // namespace skill
