#include "stub_api.hpp"

#include <atomic>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <optional>
#include <skill/ascii.hpp>
#include <skill/log.hpp>
#include <stdexcept>

#include "json_numbers.hpp"

namespace skill::stub {
namespace http = net::http;
using net::Awaitable;
using net::Request;
using net::Response;

namespace {

constexpr std::string_view logger = "persistence-stub";

/// The deepest `data` may nest; the body adds one level ({"data": ...}).
constexpr std::size_t max_data_depth = 32;

std::string_view error_code(http::status status) {
    switch (status) {
        case http::status::bad_request:
            return "bad_request";
        case http::status::unauthorized:
            return "unauthorized";
        case http::status::not_found:
            return "not_found";
        case http::status::method_not_allowed:
            return "method_not_allowed";
        case http::status::request_timeout:
            return "timeout";
        case http::status::payload_too_large:
            return "payload_too_large";
        case http::status::request_header_fields_too_large:
            return "header_too_large";
        case http::status::service_unavailable:
            return "unavailable";
        case http::status::precondition_failed:
            return "precondition_failed";
        default:
            return "internal";
    }
}

Response error(const Request& req, http::status status, std::string_view detail) {
    return net::json_response(req, status, error_body(status, detail));
}

Response ok(const Request& req, const boost::json::value& body) {
    return net::json_response(req, http::status::ok, boost::json::serialize(body));
}

/// An answer whose body the store has already serialised.
Response ok(const Request& req, std::string body) {
    return net::json_response(req, http::status::ok, std::move(body));
}

/// {"id":"<id>","data":<data>}: what serialising that object gives, without
/// parsing `data` again.
std::string stored_answer(std::int64_t id, std::string_view data) {
    const std::string number = std::to_string(id);
    std::string body;
    body.reserve(data.size() + number.size() + 20);
    body += R"({"id":")";
    body += number;
    body += R"(","data":)";
    body += data;
    body += '}';
    return body;
}

/// The entry's version as its strong entity tag.
void tag(Response& res, std::int64_t version) {
    res.set(http::field::etag, entity_tag(version));
}

/// The answer to a get: the stored object with its ETag, or 404.
Response got(const Request& req, StoreResult& r) {
    if (!r.found) return error(req, http::status::not_found, "no data");
    Response res = ok(req, std::move(r.data));
    tag(res, r.version);
    return res;
}

/// 412: the write's precondition did not hold; the current version, if any, as ETag.
Response precondition_failed(const Request& req, const StoreResult& r) {
    Response res =
        error(req, http::status::precondition_failed,
              r.found ? "the entry is not at the version the request names" : "there is no entry");
    if (r.found) tag(res, r.version);
    return res;
}

/// The precondition a write's If-Match / If-None-Match header asks for, into `out`.
/// Returns the 400 detail when a header is malformed, repeated, or both are given.
std::string_view precondition_of(const Request& req, Precondition& out) {
    const auto matches = req.count(http::field::if_match);
    const auto none_matches = req.count(http::field::if_none_match);
    if (matches + none_matches == 0) return {};
    if (matches + none_matches > 1) return "give one If-Match or one If-None-Match header";
    if (matches == 1) {
        const auto parsed = parse_if_match(req[http::field::if_match]);
        if (!parsed) return "If-Match must be * or one strong entity tag such as \"12\"";
        out = *parsed;
        return {};
    }
    // On a delete, "only if there is nothing" asks for nothing to do.
    if (req.method() == http::verb::delete_) return "If-None-Match is not supported on DELETE";
    const auto parsed = parse_if_none_match(req[http::field::if_none_match]);
    if (!parsed) return "If-None-Match must be * on a write";
    out = *parsed;
    return {};
}

Response not_allowed(const Request& req, std::string_view allow) {
    Response res = error(req, http::status::method_not_allowed, "method not allowed here");
    res.set(http::field::allow, allow);
    return res;
}

struct Target {
    std::string_view path;
    std::string_view query;
};

Target split_target(std::string_view target) {
    const auto q = target.find('?');
    Target t{target.substr(0, q), q == std::string_view::npos ? "" : target.substr(q + 1)};
    if (t.path.size() > 1 && t.path.back() == '/') t.path.remove_suffix(1);
    return t;
}

/// `replace` from the query: true when absent; nothing when its value is not true/false.
std::optional<bool> replace_flag(std::string_view query) {
    bool replace = true;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) != "replace") continue;
        const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
        if (ascii::iequals(value, "true")) {
            replace = true;
        } else if (ascii::iequals(value, "false")) {
            replace = false;
        } else {
            return std::nullopt;
        }
    }
    return replace;
}

/// Reads a POST body {"data": {...}} into `op`: a set gets the data serialised
/// (parsed into a stack arena, the DOM is gone at once), a merge the object the
/// store merges. Returns the 400 detail when the body is not of that shape, or
/// holds a number JSON cannot round-trip (1e400, 2^64): stored, it would come
/// back as `Infinity` (not JSON) or as another number.
std::string_view parse_body(std::string_view body, Operation& op) {
    unsigned char arena[4096];
    boost::json::monotonic_resource resource(arena, sizeof arena);
    boost::json::parse_options options;
    options.max_depth = max_data_depth + 1;
    boost::system::error_code ec;
    boost::json::value v = parse_checked(body, ec, &resource, options);
    if (ec == boost::json::error::too_deep) return "JSON nested deeper than 32";
    if (ec == NumberError::not_finite)
        return "number out of range: JSON numbers must be finite doubles (e.g. not 1e400)";
    if (ec == NumberError::integer_out_of_range)
        return "integer out of range: integers must fit int64 or uint64";
    if (ec) return "body is not JSON";
    if (!v.is_object()) return "body is not a JSON object";
    const auto* data = v.as_object().if_contains("data");
    if (!data) return "body has no \"data\"";
    if (!data->is_object()) return "\"data\" is not a JSON object";
    if (op.kind == Operation::Kind::set) {
        op.json = boost::json::serialize(*data);
    } else {
        op.data = boost::json::object(data->as_object(), boost::json::storage_ptr());
    }
    return {};
}

bool is_number_problem(std::string_view detail) {
    return detail.starts_with("number out of range") || detail.starts_with("integer out of range");
}

/// Ids of StubApi instances: a thread's token cache belongs to one API (one secret).
std::atomic<std::uint64_t> next_api_id{1};

/// This thread's token cache for API `id` (emptied when another API uses the thread).
TokenCache& token_cache(std::uint64_t id) {
    thread_local std::uint64_t owner = 0;
    thread_local std::unique_ptr<TokenCache> cache;
    if (owner != id || !cache) {
        if (!cache) cache = std::make_unique<TokenCache>();
        cache->clear();
        owner = id;
    }
    return *cache;
}

}  // namespace

std::string error_body(http::status status, std::string_view detail) {
    return boost::json::serialize(
        boost::json::object{{"error", error_code(status)}, {"detail", detail}});
}

bool valid_base_path(std::string_view path) {
    if (path.size() < 2 || path.front() != '/' || path.back() == '/') return false;
    for (char c : path)
        if (c <= ' ' || c >= 0x7f || c == '?' || c == '#' || c == '%') return false;
    return true;
}

StubApi::StubApi(Store& store, JwtVerifier verifier, std::string base_path)
    : store_(store),
      verifier_(std::move(verifier)),
      entry_path_(base_path + "/entry"),
      data_path_(base_path + "/entry/data"),
      id_(next_api_id.fetch_add(1)) {
    if (!valid_base_path(base_path))
        throw std::invalid_argument("base path '" + base_path +
                                    "': expected /segment[/segment...]");
}

JwtOutcome StubApi::identify(const Request& req) const {
    const auto token = bearer_token(req[http::field::authorization]);
    if (!token) return JwtOutcome{{}, "no bearer token", {}};
    return token_cache(id_).verify(verifier_, *token);
}

Awaitable<Response> StubApi::handle(Request& req) {
    const Target target = split_target(req.target());
    if (target.path == "/k8s/liveness" || target.path == "/k8s/readiness") {
        if (req.method() != http::verb::get) co_return not_allowed(req, "GET");
        co_return ok(req, boost::json::object{{"status", "ok"}});
    }
    const bool is_entry = target.path == entry_path_;
    if (!is_entry && target.path != data_path_) {
        co_return error(req, http::status::not_found, "no such endpoint");
    }
    const auto method = req.method();
    if (is_entry && method != http::verb::get && method != http::verb::post &&
        method != http::verb::delete_) {
        co_return not_allowed(req, "GET, POST, DELETE");
    }
    if (!is_entry && method != http::verb::get) co_return not_allowed(req, "GET");

    const JwtOutcome who = identify(req);
    if (!who) {
        // The reason names what is wrong with the token, never the token itself.
        Response res = error(req, http::status::unauthorized, who.reason);
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    // GCC 12 destroys some temporaries of a co_await operand twice (a ternary of
    // awaitables, a braced argument): hence two statements here and named
    // Operation locals below.
    if (is_entry) co_return co_await entry(req, *who.identity);
    // A get of an entry this thread has seen, unchanged since: no trip to the DB thread.
    if (auto hit = store_.read_cached(who.identity->user, who.identity->skill))
        co_return got(req, *hit);
    co_return co_await entry_data(req, *who.identity);
}

Awaitable<Response> StubApi::entry(Request& req, const Identity& who) {
    if (req.method() == http::verb::post) co_return co_await store_data(req, who);
    const auto kind =
        req.method() == http::verb::delete_ ? Operation::Kind::remove : Operation::Kind::get_all;
    Operation op{kind, who.user, who.skill};
    if (kind == Operation::Kind::remove) {
        const auto problem = precondition_of(req, op.condition);
        if (!problem.empty()) co_return error(req, http::status::bad_request, problem);
    }
    co_return co_await run(req, std::move(op));
}

Awaitable<Response> StubApi::entry_data(Request& req, const Identity& who) {
    Operation op{Operation::Kind::get, who.user, who.skill};
    co_return co_await run(req, std::move(op));
}

Awaitable<Response> StubApi::store_data(Request& req, const Identity& who) {
    const auto replace = replace_flag(split_target(req.target()).query);
    if (!replace) co_return error(req, http::status::bad_request, "replace must be true or false");
    const auto kind = *replace ? Operation::Kind::set : Operation::Kind::merge;
    Operation op{kind, who.user, who.skill};
    op.bytes = req.body().size();
    if (kind == Operation::Kind::set) {
        // The entry's id, when this thread knows it: the DB thread need not look it up.
        if (const auto cached = store_.read_cached(who.user, who.skill); cached && cached->found)
            op.known_id = cached->id;
    }
    const auto bad_condition = precondition_of(req, op.condition);
    if (!bad_condition.empty()) co_return error(req, http::status::bad_request, bad_condition);
    const auto problem = parse_body(req.body(), op);
    if (!problem.empty()) {
        // Refused hostile input is worth a line; the token (and the query) never are.
        if (is_number_problem(problem))
            log::info(logger, "write refused",
                      {{"status", std::int64_t{400}},
                       {"detail", problem},
                       {"skill", std::string_view(who.skill)}});
        co_return error(req, http::status::bad_request, problem);
    }
    co_return co_await run(req, std::move(op));
}

Awaitable<Response> StubApi::run(Request& req, Operation op) {
    // The answer is built in a plain function: GCC gives every local of a coroutine a
    // slot in its frame, and under ~1 KiB Asio recycles the frame instead of a malloc.
    const auto kind = op.kind;
    StoreResult r = co_await store_.submit(std::move(op));
    co_return answer(req, kind, r);
}

Response StubApi::answer(const Request& req, Operation::Kind kind, StoreResult& r) {
    if (r.busy) {
        // The store logs refusals (once per burst); the client should come back.
        Response res =
            error(req, http::status::service_unavailable, "too many writes queued; retry later");
        res.set(http::field::retry_after, "1");
        return res;
    }
    if (!r.ok) {
        log::error(logger, "store operation failed", {{"error", std::string_view(r.error)}});
        return error(req, http::status::internal_server_error, "storage failure");
    }
    if (r.precondition_failed) return precondition_failed(req, r);
    switch (kind) {
        case Operation::Kind::get:
            return got(req, r);
        case Operation::Kind::get_all:
            return ok(req, std::move(r.data));
        case Operation::Kind::remove:
            return Response{http::status::no_content, req.version()};  // the server sets Connection
        default: {
            Response res = ok(req, stored_answer(r.id, r.data));
            tag(res, r.version);
            return res;
        }
    }
}

}  // namespace skill::stub
