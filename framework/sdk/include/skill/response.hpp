#pragma once
// What a handler answers: build with tell() / ask() / ask_freetext() and chain.
//
//   co_return skill::tell("Hello!").with_card({.title_text = "Hello"});
#include <cstdint>
#include <map>
#include <optional>
#include <skill/clock.hpp>
#include <skill/document.hpp>
#include <string>
#include <vector>

namespace skill {

enum class ResponseType { tell, ask, ask_freetext };

/// One entry of a card's bullet list.
struct CardListItem {
    std::string title{};
    std::string icon_url{};
};

/// A titled group of list items.
struct CardListSection {
    std::string title{};
    std::vector<CardListItem> items{};
};

/// The companion app's card (SPI CardDto; protocol.md §3): `type`, `version`, and `data`
/// with every field the app knows. Empty fields are not sent. Actions: skill/card_action.hpp.
// Every member has a default initializer so designated initializers that name only some of
// them ({.title_text = "Hi"}) stay clean under -Wextra (-Wmissing-field-initializers).
struct Card {
    std::string type = "GENERIC_DEFAULT";  // the only type the app renders today
    std::int64_t version = 1;
    std::string title_text{};
    std::string type_description{};  // the subtitle
    std::string prominent_text{};    // larger, below the subtitle
    std::string text{};
    std::string sub_text{};  // smaller, below the text
    std::string icon_url{};
    std::string action{};  // a deeplink (skill::card_action) or an http(s) URL
    std::string action_text{};
    std::string action_prominent_text{};
    std::vector<CardListSection> list_sections{};
    Document extra{};  // further data members (a JSON object), written after the named ones

    /// Attach `action` (e.g. card_action::call("+49...")) to `text` (and `prominent_text`).
    Card&& with_action(std::string text, std::string action, std::string prominent_text = {}) &&;
    Card& with_action(std::string text, std::string action, std::string prominent_text = {}) &;
};

/// A kit action in result.data.use_kit, e.g. {"audio_player", "play_stream", {{"url", u}}}.
struct KitAction {
    std::string kit_name{};
    std::string action{};
    Document parameters{};  // a JSON object; missing is sent as {}
};

/// When a delayed client task runs relative to: the end of the spoken answer, or this response.
enum class TaskReference { speech_end, this_response };

/// result.delayedClientTask: the client invokes `intent` (of `skill_id`, this skill when
/// empty) later, either `offset` after `reference` or at `execute_at`. Build one with
/// client_task(...).after(...) / .at(...).
struct DelayedClientTask {
    std::string intent{};
    Document parameters{};  // a JSON object; missing is sent as {}
    std::string reference = "SPEECH_END";
    std::string offset = "P0D";  // ISO 8601 duration
    std::string skill_id{};      // invokeData.skillId; empty: not sent (this skill)
    std::string execute_at{};    // ISO 8601 UTC time; when set, sent instead of executeAfter

    /// Run `offset` after `reference` (written as an ISO 8601 duration: PT10S, P1DT2H, P0D).
    DelayedClientTask&& after(std::chrono::milliseconds offset,
                              TaskReference reference = TaskReference::speech_end) &&;
    DelayedClientTask& after(std::chrono::milliseconds offset,
                             TaskReference reference = TaskReference::speech_end) &;
    /// Run at `time` (written as 2026-12-24T18:00:00Z).
    DelayedClientTask&& at(std::chrono::sys_seconds time) &&;
    DelayedClientTask& at(std::chrono::sys_seconds time) &;
};

/// A task invoking `intent` right after the answer is spoken (offset P0D); `parameters`
/// become the invocation's attributes; `skill_id` targets another skill.
DelayedClientTask client_task(std::string intent, Document parameters = {},
                              std::string skill_id = {});

/// An ISO 8601 duration as the platform reads it: 0 -> "P0D", 90 s -> "PT1M30S",
/// 26 h -> "P1DT2H", 1.5 s -> "PT1.5S". Throws std::invalid_argument when negative.
std::string iso_duration(std::chrono::milliseconds d);

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
