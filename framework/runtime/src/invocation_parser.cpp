// JSON body -> skill::Invocation. Every failure is a ProtocolError whose message names the JSON
// path ("context.tokens.cvi: expected string, got number") but never echoes a value.
#include "invocation_parser.hpp"

#include <skill/json.hpp>
#include <skill/utf8.hpp>

// The fast path's SAX parser: its implementation is included here and nowhere else.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace skill::runtime {
namespace {

namespace json = boost::json;

// A JSON path kept as a chain of stack frames: only an error message ever needs it as text.
struct Path {
    const Path* parent = nullptr;
    std::string_view key;
    std::size_t index = 0;
    bool is_index = false;

    Path operator/(std::string_view k) const { return {this, k, 0, false}; }
    Path operator[](std::size_t i) const { return {this, {}, i, true}; }

    std::string str() const {
        if (!parent) return "body";
        std::string out = parent->parent ? parent->str() : std::string();
        if (is_index) return out + '[' + std::to_string(index) + ']';
        if (!out.empty()) out += '.';
        // Keys come from the wire: cap them so a detail stays readable.
        const auto shown = utf8::truncate(key, 64);
        return out.append(shown).append(shown.size() < key.size() ? "..." : "");
    }
};

[[noreturn]] void fail(const Path& path, std::string_view what) {
    throw ProtocolError(path.str() + ": " + std::string(what));
}

std::string_view kind_name(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
    }
    return "value";
}

[[noreturn]] void wrong_type(const json::value& v, const Path& path, std::string_view expected) {
    fail(path, "expected " + std::string(expected) + ", got " + std::string(kind_name(v)));
}

// Reads one JSON document; the Boost error becomes a detail the platform can act on.
class Reader {
public:
    explicit Reader(const ParseLimits& limits) : limits_(limits) {}

    json::value parse(std::string_view body) {
        if (body.empty()) throw ProtocolError("body: empty");
        json::parse_options options;
        options.max_depth = limits_.max_depth;
        // The document is short-lived: a monotonic arena saves an allocation per node.
        json::parser parser(json::storage_ptr(), options, temp_);
        parser.reset(&arena_);
        json::error_code ec;
        const std::size_t consumed = parser.write(body.data(), body.size(), ec);
        if (ec) fail_parse(body, ec, consumed);
        return parser.release();
    }

private:
    [[noreturn]] void fail_parse(std::string_view body, json::error_code ec,
                                 std::size_t consumed) const {
        if (ec == json::error::too_deep)
            throw ProtocolError("body: nesting deeper than " + std::to_string(limits_.max_depth));
        // Boost.JSON reports malformed UTF-8 as a plain syntax error; say what it really is.
        const std::size_t bad = utf8::first_invalid(body);
        if (bad < body.size())
            throw ProtocolError("body: invalid UTF-8 at offset " + std::to_string(bad));
        throw ProtocolError("body: not valid JSON (" + ec.message() + " at offset " +
                            std::to_string(consumed) + ")");
    }

    const ParseLimits& limits_;
    unsigned char temp_[1024];
    unsigned char arena_buffer_[8192];
    json::monotonic_resource arena_{arena_buffer_, sizeof arena_buffer_};
};

// Typed access to the parsed document, each check naming the path it failed at.
class Extractor {
public:
    explicit Extractor(const ParseLimits& limits) : limits_(limits) {}

    const json::object& object(const json::value& v, const Path& p) const {
        if (!v.is_object()) wrong_type(v, p, "object");
        return v.get_object();
    }

    const json::array& array(const json::value& v, const Path& p) const {
        if (!v.is_array()) wrong_type(v, p, "array");
        return v.get_array();
    }

    std::string string(const json::value& v, const Path& p) const {
        return std::string(checked_string(v, p));
    }

    std::string_view checked_string(const json::value& v, const Path& p) const {
        if (!v.is_string()) wrong_type(v, p, "string");
        return checked_size(v.get_string(), p);
    }

    // An object key the invocation keeps (a slot or token name); `p` is the member's path.
    std::string key(std::string_view k, const Path& p) const {
        return std::string(checked_size(k, p));
    }

    bool boolean(const json::value& v, const Path& p) const {
        if (!v.is_bool()) wrong_type(v, p, "boolean");
        return v.get_bool();
    }

    // The SPI's ids are int32: anything outside is refused, however it is written.
    std::int64_t int32(const json::value& v, const Path& p) const {
        constexpr std::int64_t min = INT32_MIN, max = INT32_MAX;
        if (v.is_int64()) {
            const std::int64_t i = v.get_int64();
            if (i < min || i > max) fail(p, "integer out of range");
            return i;
        }
        if (v.is_uint64()) fail(p, "integer out of range");
        if (!v.is_double()) wrong_type(v, p, "integer");
        // JSON has one number type: accept 1.0 or 1e2, refuse fractions and what int32 can't hold.
        const double d = v.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) fail(p, "expected integer");
        if (d < static_cast<double>(min) || d > static_cast<double>(max))
            fail(p, "integer out of range");
        return static_cast<std::int64_t>(d);
    }

    std::map<std::string, std::string> string_map(const json::value& v, const Path& p) const {
        std::map<std::string, std::string> out;
        for (const auto& [key, value] : object(v, p)) {
            const Path item = p / key;
            out.insert_or_assign(this->key(key, item), string(value, item));
        }
        return out;
    }

    std::vector<std::string> string_list(const json::value& v, const Path& p) const {
        std::vector<std::string> out;
        const auto& items = array(v, p);
        out.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) out.push_back(string(items[i], p[i]));
        return out;
    }

    std::map<std::string, std::vector<std::string>> list_map(const json::value& v,
                                                             const Path& p) const {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& [key, value] : object(v, p)) {
            const Path item = p / key;
            out.insert_or_assign(this->key(key, item), string_list(value, item));
        }
        return out;
    }

    std::vector<std::int64_t> int32_list(const json::value& v, const Path& p) const {
        std::vector<std::int64_t> out;
        const auto& items = array(v, p);
        for (std::size_t i = 0; i < items.size(); ++i) out.push_back(int32(items[i], p[i]));
        return out;
    }

    // Configuration: key -> list of any JSON values (a lone string is a one-element list).
    std::map<std::string, std::vector<Document>> value_lists(const json::value& v,
                                                             const Path& p) const {
        std::map<std::string, std::vector<Document>> out;
        for (const auto& [key, value] : object(v, p)) {
            const Path item = p / key;
            std::vector<Document> values;
            if (value.is_string()) {
                values.emplace_back(checked_string(value, item));
            } else {
                const auto& items = array(value, item);
                values.reserve(items.size());
                for (std::size_t i = 0; i < items.size(); ++i) {
                    check_free_form(items[i], item[i]);
                    // Copy out of the parse arena into default storage.
                    values.push_back(to_document(json::value(items[i], json::storage_ptr())));
                }
            }
            out.insert_or_assign(this->key(key, item), std::move(values));
        }
        return out;
    }

    // Free-form JSON handed to the skill as is: check what the typed fields check anyway.
    void check_free_form(const json::value& v, const Path& p) const {
        if (v.is_string()) checked_size(v.get_string(), p);
        if (v.is_double() && !std::isfinite(v.get_double())) fail(p, "number out of range");
        if (v.is_array()) {
            const auto& items = v.get_array();
            for (std::size_t i = 0; i < items.size(); ++i) check_free_form(items[i], p[i]);
        }
        if (v.is_object()) {
            for (const auto& [key, value] : v.get_object()) {
                const Path item = p / key;
                checked_size(key, item);
                check_free_form(value, item);
            }
        }
    }

private:
    std::string_view checked_size(std::string_view s, const Path& p) const {
        if (s.size() > limits_.max_string_bytes)
            fail(p, "string longer than " + std::to_string(limits_.max_string_bytes) + " bytes");
        return s;
    }

    const ParseLimits& limits_;
};

// Member lookup: `required` treats null like a wrong type, `optional` treats it as absent.
const json::value& required(const json::object& o, std::string_view key, const Path& p) {
    const auto* v = o.if_contains(key);
    if (!v) fail(p, "missing");
    return *v;
}

const json::value* optional(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && !v->is_null() ? v : nullptr;
}

SlotValue slot_value(const Extractor& x, const json::value& v, const Path& p) {
    const auto& o = x.object(v, p);
    SlotValue out;
    out.id = x.int32(required(o, "id", p / "id"), p / "id");
    out.value = x.string(required(o, "value", p / "value"), p / "value");
    if (const auto* n = optional(o, "nestedIn")) out.nested_in = x.int32_list(*n, p / "nestedIn");
    if (const auto* n = optional(o, "overlapsWith"))
        out.overlaps_with = x.int32_list(*n, p / "overlapsWith");
    if (const auto* e = optional(o, "extras")) out.extras = x.string_map(*e, p / "extras");
    return out;
}

std::map<std::string, std::vector<SlotValue>> slot_values(const Extractor& x,
                                                          const json::value& v, const Path& p) {
    std::map<std::string, std::vector<SlotValue>> out;
    for (const auto& [key, values] : x.object(v, p)) {
        const Path slot = p / key;
        const auto& items = x.array(values, slot);
        std::vector<SlotValue> parsed;
        parsed.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i)
            parsed.push_back(slot_value(x, items[i], slot[i]));
        out.insert_or_assign(x.key(key, slot), std::move(parsed));
    }
    return out;
}


void read_context(const Extractor& x, const json::object& c, const Path& p, Invocation& inv) {
    inv.intent = x.string(required(c, "intent", p / "intent"), p / "intent");
    if (inv.intent.empty()) fail(p / "intent", "empty");
    inv.locale = x.string(required(c, "locale", p / "locale"), p / "locale");
    inv.tokens = x.string_map(required(c, "tokens", p / "tokens"), p / "tokens");
    if (const auto* v = optional(c, "skillId")) inv.skill_id = x.string(*v, p / "skillId");
    if (const auto* v = optional(c, "attributesV2"))
        inv.attributes_v2 = slot_values(x, *v, p / "attributesV2");
    if (const auto* v = optional(c, "attributes"))
        inv.attributes = x.list_map(*v, p / "attributes");
    else
        inv.attributes = detail::slot_texts(inv.attributes_v2);
    if (const auto* v = optional(c, "configuration"))
        inv.configuration = x.value_lists(*v, p / "configuration");
    if (const auto* v = optional(c, "clientTypeName"))
        inv.client_type_name = x.string(*v, p / "clientTypeName");
    if (const auto* v = optional(c, "userProfileConfig"))
        inv.user_profile_config = x.string(*v, p / "userProfileConfig");
}

Session read_session(const Extractor& x, const json::object& s, const Path& p) {
    Session out;
    out.id = x.string(required(s, "id", p / "id"), p / "id");
    if (const auto* v = optional(s, "new")) out.is_new = x.boolean(*v, p / "new");
    if (const auto* v = optional(s, "attributes"))
        out.attributes = x.string_map(*v, p / "attributes");
    return out;
}

}  // namespace


namespace detail {

std::map<std::string, std::vector<std::string>> slot_texts(
    const std::map<std::string, std::vector<SlotValue>>& v2) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [name, values] : v2) {
        auto& texts = out[name];
        for (const auto& value : values) texts.push_back(value.value);
    }
    return out;
}

Invocation parse_invocation_tree(std::string_view body, const ParseLimits& limits) {
    Reader reader(limits);
    const json::value doc = reader.parse(body);
    const Extractor x(limits);
    const Path root;
    const auto& top = x.object(doc, root);

    Invocation inv;
    const Path context = root / "context";
    read_context(x, x.object(required(top, "context", context), context), context, inv);
    if (const auto* v = optional(top, "session"))
        inv.session = read_session(x, x.object(*v, root / "session"), root / "session");
    if (const auto* v = optional(top, "spiVersion"))
        inv.spi_version = x.string(*v, root / "spiVersion");
    return inv;
}

}  // namespace detail

void parse_invocation(std::string_view body, const ParseLimits& limits, Invocation& into) {
    // A declined fast path may have left a partial result: the tree path replaces it.
    if (!detail::parse_fast_into(body, limits, into)) into = detail::parse_invocation_tree(body, limits);
}

Invocation parse_invocation(std::string_view body, const ParseLimits& limits) {
    Invocation inv;
    parse_invocation(body, limits, inv);
    return inv;
}

}  // namespace skill::runtime
