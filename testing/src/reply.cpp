#include <skill/testing/reply.hpp>

#include <skill/json.hpp>

#include <boost/json/serialize.hpp>

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

bool Reply::ok() const { return status == 200 && !type_name().empty(); }

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

std::string Reply::text() const { return string_at(body.if_object(), "text"); }

std::optional<Card> Reply::card() const {
    const auto* card = object_at(body.if_object(), "card");
    if (!card) return std::nullopt;
    const auto* data = object_at(card, "data");
    return Card{string_at(data, "titleText"), string_at(data, "text"),   string_at(data, "subText"),
                string_at(data, "iconUrl"),   string_at(data, "action"), string_at(data, "actionText")};
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

std::string Reply::detail() const { return string_at(body.if_object(), "detail"); }

std::string Reply::json() const { return json::serialize(body); }

}  // namespace skill::testing
