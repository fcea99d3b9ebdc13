#include <boost/json/serialize.hpp>
#include <skill/json.hpp>
#include <skill/testing/reply.hpp>
#include <stdexcept>

namespace skill::testing {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object* o, std::string_view key) {
    if (!o) return nullptr;
    auto it = o->find(key);
    return it == o->end() ? nullptr : it->value().if_object();
}

std::string string_at(const json::object* o, std::string_view key) {
    if (!o) return {};
    auto it = o->find(key);
    if (it == o->end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

}  // namespace

bool Reply::ok() const {
    return status == 200 && !type_name().empty();
}

std::string Reply::type_name() const {
    const auto* o = body.if_object();
    return o && !o->contains("code") ? string_at(o, "type") : std::string{};
}

ResponseType Reply::type() const {
    auto name = type_name();
    if (name == "TELL") return ResponseType::tell;
    if (name == "ASK") return ResponseType::ask;
    if (name == "ASK_FREETEXT") return ResponseType::ask_freetext;
    throw std::logic_error("not a response: HTTP " + std::to_string(status) + " " + json());
}

std::string Reply::text() const {
    return string_at(body.if_object(), "text");
}

std::optional<Card> Reply::card() const {
    const auto* card = object_at(body.if_object(), "card");
    if (!card) return std::nullopt;
    const auto* data = object_at(card, "data");
    Card out;
    out.type = string_at(card, "type");
    if (auto it = card->find("version"); it != card->end() && it->value().is_int64())
        out.version = it->value().get_int64();
    out.title_text = string_at(data, "titleText");
    out.type_description = string_at(data, "typeDescription");
    out.prominent_text = string_at(data, "prominentText");
    out.text = string_at(data, "text");
    out.sub_text = string_at(data, "subText");
    out.icon_url = string_at(data, "iconUrl");
    out.action = string_at(data, "action");
    out.action_text = string_at(data, "actionText");
    out.action_prominent_text = string_at(data, "actionProminentText");
    if (const auto* sections = data ? data->if_contains("listSections") : nullptr;
        sections && sections->is_array())
        for (const auto& s : sections->get_array()) {
            CardListSection section{string_at(s.if_object(), "title"), {}};
            if (const auto* items = s.is_object() ? s.get_object().if_contains("items") : nullptr;
                items && items->is_array())
                for (const auto& i : items->get_array())
                    section.items.push_back(
                        {string_at(i.if_object(), "title"), string_at(i.if_object(), "iconUrl")});
            out.list_sections.push_back(std::move(section));
        }
    return out;
}

/// result.delayedClientTask, when present.
std::optional<DelayedClientTask> Reply::delayed_task() const {
    const auto* result = object_at(body.if_object(), "result");
    const auto* task = object_at(result, "delayedClientTask");
    if (!task) return std::nullopt;
    const auto* invoke = object_at(task, "invokeData");
    const auto* when = object_at(task, "executionTime");
    const auto* after = object_at(when, "executeAfter");
    const auto* parameters = object_at(invoke, "parameters");
    DelayedClientTask out;
    out.intent = string_at(invoke, "intent");
    out.skill_id = string_at(invoke, "skillId");
    out.parameters = parameters ? to_document(*parameters) : Document::object();
    out.reference = string_at(after, "reference");
    out.offset = string_at(after, "offset");
    out.execute_at = string_at(when, "executeAt");
    return out;
}

std::map<std::string, std::string> Reply::session_attributes() const {
    std::map<std::string, std::string> out;
    const auto* session = object_at(body.if_object(), "session");
    const auto* attributes = object_at(session, "attributes");
    if (!attributes) return out;
    for (const auto& [k, v] : *attributes)
        if (v.is_string()) out.emplace(std::string(k), std::string(v.get_string()));
    return out;
}

std::optional<KitAction> Reply::kit() const {
    const auto* result = object_at(body.if_object(), "result");
    const auto* kit = object_at(object_at(result, "data"), "use_kit");
    if (!kit) return std::nullopt;
    const auto* parameters = object_at(kit, "parameters");
    return KitAction{string_at(kit, "kit_name"), string_at(kit, "action"),
                     parameters ? to_document(*parameters) : Document::object()};
}

int Reply::error_code() const {
    const auto* o = body.if_object();
    if (!o) return 0;
    auto it = o->find("code");
    return it != o->end() && it->value().is_int64() ? static_cast<int>(it->value().get_int64()) : 0;
}

std::string Reply::detail() const {
    return string_at(body.if_object(), "detail");
}

std::string Reply::json() const {
    return json::serialize(body);
}

}  // namespace skill::testing
