// Response -> JSON with a small streaming writer: the shape is fixed, so writing it directly
// is simpler and cheaper than building a boost::json tree first, and it lets us repair
// invalid UTF-8 from a handler instead of emitting a body the platform cannot parse.
#include "response_writer.hpp"

#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <skill/json.hpp>
#include <skill/json_escape.hpp>

namespace skill::runtime {
namespace {

namespace json = boost::json;

class Writer {
  public:
    explicit Writer(std::string& out) : out_(out) {}

    void open() { begin('{'); }
    void close() { end('}'); }
    void open_array() { begin('['); }
    void close_array() { end(']'); }
    void key(std::string_view k) {
        separate();
        quoted(k);
        out_ += ':';
        comma_ = false;
    }
    void str(std::string_view s) {
        separate();
        quoted(s);
        comma_ = true;
    }
    void boolean(bool b) { raw(b ? "true" : "false"); }
    template <class Int>
    void integer(Int n) {
        char buf[24];
        const auto res = std::to_chars(buf, buf + sizeof buf, n);
        raw(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
    }
    void member(std::string_view k, std::string_view v) {
        key(k);
        str(v);
    }
    void member_if(std::string_view k, std::string_view v) {
        if (!v.empty()) member(k, v);
    }

    // Free-form JSON from a handler (kit parameters, result data).
    void value(const json::value& v) {
        switch (v.kind()) {
            case json::kind::null:
                raw("null");
                break;
            case json::kind::bool_:
                boolean(v.get_bool());
                break;
            case json::kind::int64:
                integer(v.get_int64());
                break;
            case json::kind::uint64:
                integer(v.get_uint64());
                break;
            case json::kind::double_:
                number(v.get_double());
                break;
            case json::kind::string:
                str(view(v.get_string()));
                break;
            case json::kind::array:
                array(v.get_array());
                break;
            case json::kind::object:
                object(v.get_object());
                break;
        }
    }
    // A handler's object (result data, parameters): a missing Document is sent as {}.
    void object(const Document& d) {
        if (!d.exists()) {
            open();
            close();
            return;
        }
        value(json_of(d));
    }
    void object(const json::object& o) {
        open();
        for (const auto& [k, v] : o) {
            key(std::string_view(k.data(), k.size()));
            value(v);
        }
        close();
    }

  private:
    static std::string_view view(const json::string& s) { return {s.data(), s.size()}; }
    void begin(char c) {
        separate();
        out_ += c;
        comma_ = false;
    }
    void end(char c) {
        out_ += c;
        comma_ = true;
    }
    void separate() {
        if (comma_) out_ += ',';
    }
    void raw(std::string_view s) {
        separate();
        out_ += s;
        comma_ = true;
    }
    void array(const json::array& a) {
        begin('[');
        for (const auto& v : a) value(v);
        end(']');
    }
    void number(double d) {
        // JSON has no Infinity/NaN; null is the only faithful-enough spelling.
        if (!std::isfinite(d)) return raw("null");
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, d);
        raw(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
    }

    // DEL stays raw (valid JSON). A plain string (nearly every key and text) is appended
    // as it is; the rest is escaped through a stack buffer: no allocation beyond out_.
    void quoted(std::string_view s) {
        constexpr auto del = json_escape::Del::raw;
        out_ += '"';
        const std::size_t run = json_escape::plain_run<del>(s, 0);
        out_.append(s.data(), run);
        s.remove_prefix(run);
        constexpr std::size_t piece = 64;
        char buf[piece * json_escape::max_expansion];
        while (!s.empty()) {
            const std::size_t n = json_escape::piece_length(s, piece);
            const char* end = json_escape::escape_into<del>(buf, s.substr(0, n));
            out_.append(buf, static_cast<std::size_t>(end - buf));
            s.remove_prefix(n);
        }
        out_ += '"';
    }

    std::string& out_;
    bool comma_ = false;
};

std::string_view type_name(ResponseType t) {
    switch (t) {
        case ResponseType::tell:
            return "TELL";
        case ResponseType::ask:
            return "ASK";
        case ResponseType::ask_freetext:
            return "ASK_FREETEXT";
    }
    return "TELL";
}

void write_card(Writer& w, const Card& c) {
    w.open();
    w.member("type", c.type);
    w.key("version");
    w.integer(c.version);
    w.key("data");
    w.open();
    w.member_if("titleText", c.title_text);
    w.member_if("typeDescription", c.type_description);
    w.member_if("prominentText", c.prominent_text);
    w.member_if("text", c.text);
    w.member_if("subText", c.sub_text);
    w.member_if("iconUrl", c.icon_url);
    w.member_if("action", c.action);
    w.member_if("actionText", c.action_text);
    w.member_if("actionProminentText", c.action_prominent_text);
    if (!c.list_sections.empty()) {
        w.key("listSections");
        w.open_array();
        for (const auto& section : c.list_sections) {
            w.open();
            w.member_if("title", section.title);
            w.key("items");
            w.open_array();
            for (const auto& item : section.items) {
                w.open();
                w.member("title", item.title);
                w.member_if("iconUrl", item.icon_url);
                w.close();
            }
            w.close_array();
            w.close();
        }
        w.close_array();
    }
    // Further members (the SPI allows any): appended; a non-object is a handler bug, ignored.
    if (c.extra.exists()) {
        const auto& extra = json_of(c.extra);
        if (extra.is_object())
            for (const auto& [k, v] : extra.get_object()) {
                w.key(std::string_view(k.data(), k.size()));
                w.value(v);
            }
    }
    w.close();
    w.close();
}

void write_delayed_task(Writer& w, const DelayedClientTask& t) {
    w.open();
    w.key("invokeData");
    w.open();
    w.member("intent", t.intent);
    w.member_if("skillId", t.skill_id);
    w.key("parameters");
    w.object(t.parameters);
    w.close();
    w.key("executionTime");
    w.open();
    if (!t.execute_at.empty()) {
        w.member("executeAt", t.execute_at);
    } else {
        w.key("executeAfter");
        w.open();
        w.member("reference", t.reference);
        w.member("offset", t.offset.empty() ? std::string_view("P0D") : std::string_view(t.offset));
        w.close();
    }
    w.close();
    w.close();
}

void write_result(Writer& w, const Result& r) {
    w.open();
    w.key("data");
    w.object(r.data);
    w.key("local");
    w.boolean(r.local);
    w.member_if("targetDeviceId", r.target_device_id);
    if (r.delayed_client_task) {
        w.key("delayedClientTask");
        write_delayed_task(w, *r.delayed_client_task);
    }
    w.close();
}

void write_session(Writer& w, const std::map<std::string, std::string>& attributes) {
    w.open();
    w.key("attributes");
    w.open();
    for (const auto& [k, v] : attributes) w.member(k, v);
    w.close();
    w.close();
}

}  // namespace

std::string write_response(const Response& r) {
    std::string out;
    out.reserve(128 + r.text.size());
    Writer w(out);
    w.open();
    w.member("type", type_name(r.type));
    w.member("text", r.text);
    if (r.card) {
        w.key("card");
        write_card(w, *r.card);
    }
    if (r.result) {
        w.key("result");
        write_result(w, *r.result);
    }
    if (r.push_notification) {
        w.key("pushNotification");
        w.open();
        w.member("targetName", r.push_notification->target_name);
        w.member("messagePayload", r.push_notification->message_payload);
        w.close();
    }
    if (!r.session_attributes.empty()) {
        w.key("session");
        write_session(w, r.session_attributes);
    }
    w.close();
    return out;
}

int error_status(int code) noexcept {
    switch (code) {
        case 1:
            return 404;
        case 2:
        case 3:
            return 400;
        case 4:
            return 504;
        default:
            return 500;
    }
}

std::string write_error(int code, std::string_view text, std::string_view detail) {
    std::string out;
    Writer w(out);
    w.open();
    w.key("code");
    w.integer(code);
    w.member("text", text);
    w.member_if("detail", detail);
    w.close();
    return out;
}

}  // namespace skill::runtime
