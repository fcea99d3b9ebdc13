#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <skill/json.hpp>
#include <skill/testing/invocation_builder.hpp>

namespace skill::testing {

namespace json = boost::json;

InvocationBuilder::InvocationBuilder(std::string intent) {
    invocation_.intent = std::move(intent);
    invocation_.locale = "de";
    invocation_.skill_id = "test";
    invocation_.tokens["cvi"] = "test-user";
    invocation_.spi_version = "1.4.1";
}

InvocationBuilder& InvocationBuilder::slot(std::string name, std::string value) {
    auto& v2 = invocation_.attributes_v2[name];
    SlotValue entry;
    entry.id = static_cast<std::int64_t>(v2.size()) + 1;
    entry.value = value;
    v2.push_back(std::move(entry));
    invocation_.attributes[std::move(name)].push_back(std::move(value));
    return *this;
}

InvocationBuilder& InvocationBuilder::slots(
    std::initializer_list<std::pair<std::string, std::string>> values) {
    for (const auto& [name, value] : values) slot(name, value);
    return *this;
}

InvocationBuilder& InvocationBuilder::locale(std::string locale) {
    invocation_.locale = std::move(locale);
    return *this;
}

InvocationBuilder& InvocationBuilder::timezone(std::string zone) {
    invocation_.attributes.erase("timezone");  // one zone: a second call replaces the first
    invocation_.attributes_v2.erase("timezone");
    return slot("timezone", std::move(zone));
}

InvocationBuilder& InvocationBuilder::token(std::string token) {
    invocation_.tokens["cvi"] = std::move(token);
    return *this;
}

InvocationBuilder& InvocationBuilder::skill_id(std::string id) {
    invocation_.skill_id = std::move(id);
    return *this;
}

InvocationBuilder& InvocationBuilder::session(std::string id,
                                              std::map<std::string, std::string> attributes,
                                              bool is_new) {
    invocation_.session = Session{std::move(id), is_new, std::move(attributes)};
    return *this;
}

InvocationBuilder& InvocationBuilder::configuration(std::string key, Document value) {
    invocation_.configuration[std::move(key)].push_back(std::move(value));
    return *this;
}

InvocationBuilder& InvocationBuilder::no_token() {
    invocation_.tokens.erase("cvi");
    return *this;
}

InvocationBuilder& InvocationBuilder::no_session() {
    invocation_.session.reset();
    return *this;
}

std::string InvocationBuilder::json() const {
    return to_json(invocation_);
}

namespace {

template <class Map>
json::object string_lists(const Map& map) {
    json::object out;
    for (const auto& [key, values] : map) {
        json::array list;
        for (const auto& v : values) list.emplace_back(v);
        out[key] = std::move(list);
    }
    return out;
}

json::object string_map(const std::map<std::string, std::string>& map) {
    json::object out;
    for (const auto& [k, v] : map) out[k] = v;
    return out;
}

json::array ids(const std::vector<std::int64_t>& values) {
    json::array out;
    for (auto v : values) out.emplace_back(v);
    return out;
}

json::object slot_values_v2(const Invocation& in) {
    json::object out;
    for (const auto& [name, values] : in.attributes_v2) {
        json::array list;
        for (const auto& v : values)
            list.emplace_back(json::object{{"id", v.id},
                                           {"value", v.value},
                                           {"nestedIn", ids(v.nested_in)},
                                           {"overlapsWith", ids(v.overlaps_with)},
                                           {"extras", string_map(v.extras)}});
        out[name] = std::move(list);
    }
    return out;
}

json::object context(const Invocation& in) {
    json::object ctx{{"intent", in.intent},
                     {"locale", in.locale},
                     {"tokens", string_map(in.tokens)},
                     {"attributes", string_lists(in.attributes)},
                     {"attributesV2", slot_values_v2(in)}};
    if (!in.skill_id.empty()) ctx["skillId"] = in.skill_id;
    if (!in.configuration.empty()) {
        json::object configuration;
        for (const auto& [key, values] : in.configuration) {
            json::array list;
            for (const auto& v : values) list.push_back(json_of(v));  // missing: null
            configuration[key] = std::move(list);
        }
        ctx["configuration"] = std::move(configuration);
    }
    if (!in.client_type_name.empty()) ctx["clientTypeName"] = in.client_type_name;
    if (!in.user_profile_config.empty()) ctx["userProfileConfig"] = in.user_profile_config;
    return ctx;
}

}  // namespace

std::string to_json(const Invocation& in) {
    json::object body{{"context", context(in)}};
    if (in.session) {
        body["session"] = json::object{{"id", in.session->id},
                                       {"new", in.session->is_new},
                                       {"attributes", string_map(in.session->attributes)}};
    }
    body["spiVersion"] = in.spi_version.empty() ? "1.4.1" : in.spi_version;
    return json::serialize(body);
}

}  // namespace skill::testing
