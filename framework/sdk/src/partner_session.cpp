// PartnerSession: the partners of one invocation. Every path and header a handler
// passes is checked here, before any transport (HTTP or fake) sees it: a bad one is the
// handler's error, never sent, never counted by a circuit breaker.
#include <skill/partner.hpp>
#include <skill/ascii.hpp>

#include <array>

namespace skill {

namespace {

// Longer targets and fields are no API call a partner expects (and servers refuse them, 414/431).
constexpr std::size_t max_target_bytes = 8 * 1024;
constexpr std::size_t max_header_name_bytes = 256;
constexpr std::size_t max_header_value_bytes = 8 * 1024;
constexpr std::size_t max_headers = 64;

[[noreturn]] void refuse(std::string_view partner, std::string what) {
    throw PartnerError(PartnerErrc::invalid_request, std::string(partner),
                       "partner " + std::string(partner) + ": " + what + " (not sent)");
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// "." or ".." written plainly or percent-encoded: would climb out of the partner's base path.
bool is_dot_segment(std::string_view segment) {
    const std::string s = ascii::to_lower(segment);
    return s == "." || s == ".." || s == "%2e" || s == "%2e%2e" || s == ".%2e" || s == "%2e.";
}

// RFC 9110 tchar.
bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
    return extra.find(c) != std::string_view::npos;
}

// Set by the client from the request itself, or hop-by-hop: a handler must not change framing.
bool is_reserved_header(std::string_view name) {
    constexpr std::array<std::string_view, 10> reserved{
        "host", "content-length", "transfer-encoding", "connection", "keep-alive",
        "upgrade", "te", "trailer", "proxy-connection", "expect"};
    for (auto r : reserved)
        if (ascii::iequals(name, r)) return true;
    return false;
}

}  // namespace

std::string_view to_string(PartnerErrc code) noexcept {
    switch (code) {
        case PartnerErrc::unknown_partner: return "unknown_partner";
        case PartnerErrc::invalid_request: return "invalid_request";
        case PartnerErrc::timeout: return "timeout";
        case PartnerErrc::unreachable: return "unreachable";
        case PartnerErrc::tls: return "tls";
        case PartnerErrc::server_error: return "server_error";
        case PartnerErrc::bad_response: return "bad_response";
        case PartnerErrc::circuit_open: return "circuit_open";
    }
    return "unknown";
}

std::string_view to_string(PartnerMethod method) noexcept {
    switch (method) {
        case PartnerMethod::get: return "GET";
        case PartnerMethod::post: return "POST";
        case PartnerMethod::put: return "PUT";
        case PartnerMethod::remove: return "DELETE";
    }
    return "GET";
}

PartnerError::PartnerError(PartnerErrc code, std::string partner, std::string message,
                           int http_status)
    : std::runtime_error(std::move(message)),
      code_(code),
      partner_(std::move(partner)),
      http_status_(http_status) {}

std::string percent_encode(std::string_view text) {
    constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 0xF];
        }
    }
    return out;
}

void check_partner_target(std::string_view partner, std::string_view path) {
    if (path.empty() || path.front() != '/')
        refuse(partner, "the path must start with '/' (relative to the partner's url)");
    if (path.size() > 1 && path[1] == '/')
        refuse(partner, "the path must not start with '//' (another host)");
    if (path.size() > max_target_bytes)
        refuse(partner, "the path is longer than " + std::to_string(max_target_bytes) + " bytes");
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        // Visible ASCII only: no space, CR/LF or other control byte, DEL or raw UTF-8 (encode it).
        if (c <= ' ' || c >= 0x7f)
            refuse(partner, "the path holds a space, control or non-ASCII byte at offset " +
                                std::to_string(i) + " (percent-encode values)");
        if (c == '#') refuse(partner, "the path holds a fragment ('#')");
        if (c == '\\') refuse(partner, "the path holds a backslash");
        if (c == '%' && (i + 2 >= path.size() || !is_hex(path[i + 1]) || !is_hex(path[i + 2])))
            refuse(partner, "the path holds a '%' not followed by two hex digits");
    }
    const auto query = path.find('?');
    std::string_view segments = path.substr(0, query);
    while (!segments.empty()) {
        segments.remove_prefix(1);  // the '/'
        const auto slash = segments.find('/');
        if (is_dot_segment(segments.substr(0, slash)))
            refuse(partner, "the path holds a '.' or '..' segment");
        segments = slash == std::string_view::npos ? std::string_view{} : segments.substr(slash);
    }
}

void check_partner_headers(std::string_view partner, const PartnerHeaders& headers) {
    if (headers.size() > max_headers)
        refuse(partner, "more than " + std::to_string(max_headers) + " headers");
    for (std::size_t n = 0; n < headers.size(); ++n) {
        const auto& [name, value] = headers[n];
        const std::string which = "header #" + std::to_string(n + 1);
        if (name.empty() || name.size() > max_header_name_bytes)
            refuse(partner, which + ": the name is empty or too long");
        for (char c : name)
            if (!is_token_char(c)) refuse(partner, which + ": the name is not an RFC 9110 token");
        if (is_reserved_header(name))
            refuse(partner, which + " (" + name + "): set by the client, not by a handler");
        if (value.size() > max_header_value_bytes)
            refuse(partner, which + " (" + name + "): the value is longer than " +
                                std::to_string(max_header_value_bytes) + " bytes");
        for (char c : value) {
            const auto byte = static_cast<unsigned char>(c);
            // CR/LF above all (a second header, a second request on a pooled connection).
            if ((byte < 0x20 && c != '\t') || byte == 0x7f)
                refuse(partner, which + " (" + name + "): the value holds a control byte");
        }
    }
}

PartnerSession::PartnerSession(PartnerTransport* transport, Function<HeaderList()> trace_headers)
    : transport_(transport), make_trace_headers_(std::move(trace_headers)) {}

Partner PartnerSession::partner(std::string_view name) {
    if (transport_ == nullptr || !transport_->has(name)) {
        throw PartnerError(PartnerErrc::unknown_partner, std::string(name),
                           "partner " + std::string(name) +
                               " is not declared (add [partner." + std::string(name) +
                               "] url = ... to skill.conf)");
    }
    return Partner(*this, std::string(name));
}

Task<PartnerResponse> PartnerSession::call(std::string partner, PartnerMethod method,
                                           std::string path, std::string body, bool has_body,
                                           PartnerHeaders headers) {
    check_partner_target(partner, path);
    check_partner_headers(partner, headers);
    ++calls_;
    if (make_trace_headers_) {
        trace_headers_ = make_trace_headers_();
        make_trace_headers_ = nullptr;
    }
    const std::string* body_text = has_body ? &body : nullptr;
    PartnerTransport::Call call{partner, method, path, body_text, headers, trace_headers_, deadline_};
    co_return co_await transport_->call(call);
}

Task<PartnerResponse> Partner::get(std::string path, PartnerHeaders headers) const {
    return session_->call(name_, PartnerMethod::get, std::move(path), {}, false, std::move(headers));
}

Task<PartnerResponse> Partner::post(std::string path, Document body, PartnerHeaders headers) const {
    return session_->call(name_, PartnerMethod::post, std::move(path), body.to_json_text(), true,
                          std::move(headers));
}

Task<PartnerResponse> Partner::put(std::string path, Document body, PartnerHeaders headers) const {
    return session_->call(name_, PartnerMethod::put, std::move(path), body.to_json_text(), true,
                          std::move(headers));
}

Task<PartnerResponse> Partner::remove(std::string path, PartnerHeaders headers) const {
    return session_->call(name_, PartnerMethod::remove, std::move(path), {}, false,
                          std::move(headers));
}

}  // namespace skill
