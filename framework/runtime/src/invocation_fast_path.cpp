// The fast path of parse_invocation (invocation_parser.hpp): one SAX pass of
// boost::json::basic_parser, compiled only here.
#include "invocation_parser.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace skill::runtime {

namespace json = boost::json;

// One SAX pass that fills the Invocation directly: no json::value tree, no second walk. It
// knows only the plain happy shape. On anything else (a JSON error, a wrong type, a missing or
// duplicate member, a duplicate map key, an over-long string, an id that is not an int32
// written as an integer, an array or object inside a configuration list...) it stops, and
// parse_invocation falls back to the tree path (invocation_parser.cpp), which gives the
// precise ProtocolError or the very same Invocation. So it never needs an error message, and a
// rule it does not implement is a reason to decline, not to guess. tests/unit/test_invocation_fast_path.cpp checks both agree.
namespace {

// What the next value means: set by a key in an object the invocation knows, or by the array
// the value is in. A container we are inside is recorded as the Want that opened it.
enum class Want : std::uint8_t {
    document,
    // members of the top-level object
    context, session, spi_version,
    // members of context
    intent, locale, tokens, skill_id, attributes_v2, attributes, configuration, client_type_name,
    user_profile_config,
    // members of session
    session_id, session_new, session_attributes,
    // members of an attributesV2 entry
    slot_id, slot_value, nested_in, overlaps_with, extras,
    // values of the maps, elements of the lists
    map_string, extra_string, string_list, config_list, slot_list, list_string, config_value,
    slot_entry, list_integer,
    skip,  // an unknown member: any value, never looked at
};

// One bit per member Want, to find duplicate and missing members of an object.
constexpr std::uint32_t bit(Want w) { return std::uint32_t{1} << static_cast<unsigned>(w); }
static_assert(static_cast<unsigned>(Want::skip) < 32);

// `k == literal` in the form GCC inlines into a length check and a word compare or two (a
// string_view comparison calls memcmp, and member lookup runs for every key of every request).
template <std::size_t N>
bool is(std::string_view k, const char (&literal)[N]) {
    return k.size() == N - 1 && std::memcmp(k.data(), literal, N - 1) == 0;
}

// The members the invocation knows, by the object they are in; any other name is skipped.
Want top_member(std::string_view k) {
    if (is(k, "context")) return Want::context;
    if (is(k, "session")) return Want::session;
    if (is(k, "spiVersion")) return Want::spi_version;
    return Want::skip;
}

Want context_member(std::string_view k) {
    if (is(k, "intent")) return Want::intent;
    if (is(k, "locale")) return Want::locale;
    if (is(k, "tokens")) return Want::tokens;
    if (is(k, "skillId")) return Want::skill_id;
    if (is(k, "attributesV2")) return Want::attributes_v2;
    if (is(k, "attributes")) return Want::attributes;
    if (is(k, "configuration")) return Want::configuration;
    if (is(k, "clientTypeName")) return Want::client_type_name;
    if (is(k, "userProfileConfig")) return Want::user_profile_config;
    return Want::skip;
}

Want session_member(std::string_view k) {
    if (is(k, "id")) return Want::session_id;
    if (is(k, "new")) return Want::session_new;
    if (is(k, "attributes")) return Want::session_attributes;
    return Want::skip;
}

Want slot_member(std::string_view k) {
    if (is(k, "id")) return Want::slot_id;
    if (is(k, "value")) return Want::slot_value;
    if (is(k, "nestedIn")) return Want::nested_in;
    if (is(k, "overlapsWith")) return Want::overlaps_with;
    if (is(k, "extras")) return Want::extras;
    return Want::skip;
}

// Members an object must have (`required` of the tree path); null for them is declined too.
constexpr std::uint32_t required_members(Want object) {
    switch (object) {
    case Want::document: return bit(Want::context);
    case Want::context: return bit(Want::intent) | bit(Want::locale) | bit(Want::tokens);
    case Want::session: return bit(Want::session_id);
    case Want::slot_entry: return bit(Want::slot_id) | bit(Want::slot_value);
    default: return 0;
    }
}

// Values that may be null: the tree path's `optional` treats null as absent.
constexpr bool nullable(Want w) {
    switch (w) {
    case Want::session:
    case Want::spi_version:
    case Want::skill_id:
    case Want::attributes_v2:
    case Want::attributes:
    case Want::configuration:
    case Want::client_type_name:
    case Want::user_profile_config:
    case Want::session_new:
    case Want::session_attributes:
    case Want::nested_in:
    case Want::overlaps_with:
    case Want::extras: return true;
    default: return false;
    }
}

// What the elements of an array mean; objects get theirs from each key.
constexpr Want element_of(Want container) {
    switch (container) {
    case Want::string_list: return Want::list_string;
    case Want::config_list: return Want::config_value;
    case Want::slot_list: return Want::slot_entry;
    case Want::nested_in:
    case Want::overlaps_with: return Want::list_integer;
    default: return Want::skip;
    }
}

// The basic_parser handler. Every callback returns false (with some error code: the caller only
// needs to know that it stopped) to decline.
class FastBuilder {
public:
    // The limits of json::parser's own handler, so both paths refuse the same documents.
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    FastBuilder(Invocation& inv, std::size_t max_string_bytes)
        : inv_(inv), max_string_bytes_(max_string_bytes) {}

    /// The top-level object was read and closed with all it needs.
    bool complete() const { return closed_; }

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }
    // Only a suspended number comes in parts; on_int64/on_double still give it whole.
    bool on_number_part(json::string_view, json::error_code&) { return true; }

    bool on_object_begin(json::error_code& ec) {
        if (enter_skipped()) return true;
        switch (want_) {
        case Want::session: inv_.session.emplace(); break;
        case Want::attributes: explicit_attributes_ = true; break;
        case Want::slot_entry: slot_ = &slots_->emplace_back(); break;
        case Want::document:
        case Want::context:
        case Want::tokens:
        case Want::attributes_v2:
        case Want::configuration:
        case Want::session_attributes:
        case Want::extras: break;
        default: return decline(ec);
        }
        return push(want_, ec);
    }

    bool on_object_end(std::size_t, json::error_code& ec) {
        if (leave_skipped()) return true;
        const Frame& frame = frames_[depth_ - 1];
        const std::uint32_t required = required_members(frame.kind);
        if ((frame.seen & required) != required) return decline(ec);
        if (frame.kind == Want::context && !finish_context()) return decline(ec);
        if (frame.kind == Want::document) closed_ = true;
        pop();
        return true;
    }

    bool on_array_begin(json::error_code& ec) {
        if (enter_skipped()) return true;
        switch (want_) {
        case Want::nested_in: integers_ = &slot_->nested_in; break;
        case Want::overlaps_with: integers_ = &slot_->overlaps_with; break;
        case Want::string_list:
        case Want::config_list:
        case Want::slot_list: break;
        default: return decline(ec);
        }
        return push(want_, ec);
    }

    bool on_array_end(std::size_t, json::error_code&) {
        if (!leave_skipped()) pop();
        return true;
    }

    bool on_key_part(json::string_view s, std::size_t n, json::error_code& ec) {
        return skip_depth_ > 0 || append_part(s, key_limit(), n, ec);
    }

    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        if (skip_depth_ > 0) return true;
        const bool ok = key(whole(s));
        buffer_.clear();
        return ok || decline(ec);
    }

    bool on_string_part(json::string_view s, std::size_t n, json::error_code& ec) {
        return skipping() || append_part(s, max_string_bytes_, n, ec);
    }

    bool on_string(json::string_view s, std::size_t n, json::error_code& ec) {
        if (skipping()) return true;
        if (n > max_string_bytes_) return decline(ec);
        const bool ok = string(whole(s));
        buffer_.clear();
        return ok || decline(ec);
    }

    bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
        if (skipping()) return true;
        if (want_ == Want::config_value) return config_value(i);
        // The SPI's ids are int32; the tree path words the error for the others.
        if (i < INT32_MIN || i > INT32_MAX) return decline(ec);
        if (want_ == Want::slot_id) slot_->id = i;
        else if (want_ == Want::list_integer) integers_->push_back(i);
        else return decline(ec);
        return true;
    }

    // An id written as 1.0 or 1e2 is valid, but rare: the tree path converts it. A
    // configuration value is kept as it is (the tree path refuses only non-finite ones).
    bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) {
        if (skipping()) return true;
        return want_ == Want::config_value ? config_value(u) : decline(ec);
    }
    bool on_double(double d, json::string_view, json::error_code& ec) {
        if (skipping()) return true;
        return want_ == Want::config_value && std::isfinite(d) ? config_value(d) : decline(ec);
    }

    bool on_bool(bool b, json::error_code& ec) {
        if (skipping()) return true;
        if (want_ == Want::config_value) return config_value(b);
        if (want_ != Want::session_new) return decline(ec);
        inv_.session->is_new = b;
        return true;
    }

    bool on_null(json::error_code& ec) {
        if (skipping() || nullable(want_)) return true;
        return want_ == Want::config_value ? config_value(nullptr) : decline(ec);
    }

private:
    struct Frame {
        Want kind;
        std::uint32_t seen;  // bit(member) of the members read so far
    };

    static bool decline(json::error_code& ec) {
        ec = json::error::exception;
        return false;
    }

    // Inside an unknown member's value (or that value itself, when it is a scalar).
    bool skipping() const { return skip_depth_ > 0 || want_ == Want::skip; }

    bool enter_skipped() {
        if (!skipping()) return false;
        ++skip_depth_;
        return true;
    }

    template <class T>
    bool config_value(T v) {
        values_->emplace_back(v);
        return true;
    }

    bool leave_skipped() {
        if (skip_depth_ == 0) return false;
        --skip_depth_;
        return true;
    }

    bool push(Want kind, json::error_code& ec) {
        if (depth_ == frames_.size()) return decline(ec);
        frames_[depth_++] = {kind, 0};
        want_ = element_of(kind);
        return true;
    }

    void pop() {
        --depth_;
        want_ = depth_ > 0 ? element_of(frames_[depth_ - 1].kind) : Want::skip;
    }

    // A string or key in parts (escapes, or longer than Boost's buffer): collect it.
    bool append_part(json::string_view s, std::size_t limit, std::size_t n,
                     json::error_code& ec) {
        if (n > limit) return decline(ec);
        buffer_.append(s.data(), s.size());
        return true;
    }

    // The keys of the maps are kept, so limited (map_entry checks the whole key); a member
    // name only has to match ours (a long one is just unknown), the tree path does not limit it.
    std::size_t key_limit() const {
        switch (frames_[depth_ - 1].kind) {
        case Want::tokens:
        case Want::session_attributes:
        case Want::attributes:
        case Want::configuration:
        case Want::attributes_v2:
        case Want::extras: return max_string_bytes_;
        default: return max_key_size;
        }
    }

    std::string_view whole(json::string_view last) {
        if (buffer_.empty()) return {last.data(), last.size()};
        buffer_.append(last.data(), last.size());
        return buffer_;
    }

    bool key(std::string_view k) {
        Frame& frame = frames_[depth_ - 1];
        switch (frame.kind) {
        case Want::document: return member(frame, top_member(k));
        case Want::context: return member(frame, context_member(k));
        case Want::session: return member(frame, session_member(k));
        case Want::slot_entry: return member(frame, slot_member(k));
        default: return map_key(frame.kind, k);
        }
    }

    // Out of line: on_key runs for every key, and inlined map insertions make it heavy.
    [[gnu::noinline]] bool map_key(Want map, std::string_view k) {
        switch (map) {
        case Want::tokens: return map_entry(inv_.tokens, k, string_, Want::map_string);
        case Want::session_attributes:
            return map_entry(inv_.session->attributes, k, string_, Want::map_string);
        case Want::attributes: return map_entry(inv_.attributes, k, strings_, Want::string_list);
        case Want::configuration:
            return map_entry(inv_.configuration, k, values_, Want::config_list);
        case Want::attributes_v2: return map_entry(inv_.attributes_v2, k, slots_, Want::slot_list);
        case Want::extras: return extra_entry(k);
        default: return false;
        }
    }

    // A key of extras (string -> string, which the tree path fills the same way).
    bool extra_entry(std::string_view k) {
        if (k.size() > max_string_bytes_) return false;
        const auto [it, inserted] = slot_->extras.try_emplace(std::string(k));
        string_ = &it->second;
        want_ = Want::extra_string;
        return inserted;  // a duplicate: the tree path keeps the last one
    }

    bool member(Frame& frame, Want member) {
        want_ = member;
        if (want_ == Want::skip) return true;
        // A duplicate: json::object keeps the last one; leave that rule to the tree path.
        if (frame.seen & bit(want_)) return false;
        frame.seen |= bit(want_);
        string_ = string_member(want_);
        return true;
    }

    std::string* string_member(Want w) {
        switch (w) {
        case Want::intent: return &inv_.intent;
        case Want::locale: return &inv_.locale;
        case Want::skill_id: return &inv_.skill_id;
        case Want::client_type_name: return &inv_.client_type_name;
        case Want::user_profile_config: return &inv_.user_profile_config;
        case Want::spi_version: return &inv_.spi_version;
        case Want::session_id: return &inv_.session->id;
        case Want::slot_value: return &slot_->value;
        default: return nullptr;
        }
    }

    // A key of a map (tokens, slots...): the entry is made now and filled by the value.
    template <class Map, class Target>
    bool map_entry(Map& map, std::string_view k, Target*& target, Want value) {
        if (k.size() > max_string_bytes_) return false;
        auto [it, inserted] = map.try_emplace(std::string(k));
        target = &it->second;
        want_ = value;
        return inserted;  // a duplicate: the tree path keeps the last one
    }

    bool string(std::string_view s) {
        switch (want_) {
        case Want::intent:
        case Want::locale:
        case Want::skill_id:
        case Want::client_type_name:
        case Want::user_profile_config:
        case Want::spi_version:
        case Want::session_id:
        case Want::slot_value:
        case Want::map_string:
        case Want::extra_string:
            // The target is still empty (a fresh entry, or a member seen once): append is
            // assign without its overlap handling.
            string_->append(s);
            return true;
        case Want::list_string: strings_->emplace_back(s); return true;
        case Want::config_list:  // a lone string is a one-element list there
        case Want::config_value: values_->emplace_back(s); return true;
        default: return false;
        }
    }

    bool finish_context() {
        if (inv_.intent.empty()) return false;
        if (!explicit_attributes_) inv_.attributes = detail::slot_texts(inv_.attributes_v2);
        return true;
    }

    Invocation& inv_;
    const std::size_t max_string_bytes_;
    std::array<Frame, 8> frames_{};  // the deepest known path is 6 containers
    std::size_t depth_ = 0;
    std::size_t skip_depth_ = 0;
    Want want_ = Want::document;
    bool explicit_attributes_ = false;
    bool closed_ = false;
    std::string buffer_;  // a string or key given in parts, reused
    // Where the values go, set by the key or array that precedes them.
    std::string* string_ = nullptr;
    std::vector<std::string>* strings_ = nullptr;
    std::vector<Document>* values_ = nullptr;
    std::vector<SlotValue>* slots_ = nullptr;
    SlotValue* slot_ = nullptr;
    std::vector<std::int64_t>* integers_ = nullptr;
};

}  // namespace

namespace detail {

bool parse_fast_into(std::string_view body, const ParseLimits& limits, Invocation& inv) {
    if (body.empty()) return false;
    json::parse_options options;
    options.max_depth = limits.max_depth;  // as in Reader::parse
    json::basic_parser<FastBuilder> parser(options, inv, limits.max_string_bytes);
    json::error_code ec;
    const std::size_t consumed = parser.write_some(false, body.data(), body.size(), ec);
    return !ec && consumed == body.size() && parser.done() && parser.handler().complete();
}

std::optional<Invocation> parse_invocation_fast(std::string_view body, const ParseLimits& limits) {
    std::optional<Invocation> out(std::in_place);
    if (!parse_fast_into(body, limits, *out)) out.reset();
    return out;
}

}  // namespace detail

}  // namespace skill::runtime
