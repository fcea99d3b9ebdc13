#include "dispatch.hpp"

#include "invocation_parser.hpp"
#include "response_writer.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <variant>

namespace skill::runtime {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {
constexpr int code_no_handler = 1, code_invalid_token = 2, code_bad_request = 3,
              code_timeout = 4, code_internal = 999;

/// The handler's answer or what it threw. `||` below waits for the first
/// *success*, so a throwing handler must still complete successfully.
/// (A struct, not a variant: the operator would flatten a variant into its own.)
struct HandlerResult {
    std::optional<Response> response;
    std::exception_ptr thrown;
};

Task<HandlerResult> guarded(IntentHandler handler, Context& ctx) {
    HandlerResult result;
    try {
        result.response = co_await handler(ctx);
    } catch (...) {
        result.thrown = std::current_exception();
    }
    co_return result;
}

Task<void> deadline(std::chrono::milliseconds after) {
    asio::steady_timer timer(co_await asio::this_coro::executor, after);
    co_await timer.async_wait(asio::use_awaitable);
}
}  // namespace

Outcome Dispatcher::error(int code, std::string text, std::string detail, std::string log) const {
    Outcome out;
    out.status = error_status(code);
    out.error_code = code;
    out.body = write_error(code, text, detail);
    out.error = std::move(log);
    return out;
}

Task<Outcome> Dispatcher::invoke(InvocationInput input) const {
    Invocation invocation;
    try {
        invocation = parse_invocation(input.body);
    } catch (const ProtocolError& e) {
        co_return error(code_bad_request, "Invalid request format", e.what(), e.what());
    }
    std::string intent = invocation.intent;
    IntentHandler handler = registry_.find(intent);
    if (!handler) {
        auto out = error(code_no_handler, "Intent not found", "no handler for intent '" + intent + "'",
                         "no handler");
        out.intent = intent;
        co_return out;
    }
    std::string token;
    if (auto it = invocation.tokens.find("cvi"); it != invocation.tokens.end()) token = it->second;
    PersistenceSession persistence(input.persistence, std::move(token), input.trace_headers);
    Context ctx(std::move(invocation), &persistence, std::move(input.trace_id));

    auto out = co_await run_handler(handler, ctx);
    out.intent = std::move(intent);
    co_return out;
}

Task<Outcome> Dispatcher::run_handler(IntentHandler handler, Context& ctx) const {
    try {
        // The deadline cancels the handler, and with it any persistence call it awaits.
        auto result = co_await (guarded(handler, ctx) || deadline(settings_.skill.timeout));
        if (result.index() == 1)
            co_return error(code_timeout, "Timeout", {}, "handler ran out of its deadline");
        auto& answer = std::get<0>(result);
        if (answer.thrown) std::rethrow_exception(answer.thrown);
        Response response = std::move(*answer.response);
        // Session attributes: what came in, updated by the handler, overridden by the response.
        for (auto& [k, v] : ctx.session_attributes()) response.session_attributes.try_emplace(k, v);
        co_return Outcome{200, write_response(response), {}, 0, {}, false};
    } catch (const SlotError& e) {
        co_return error(code_bad_request, "Invalid request format", e.what(), e.what());
    } catch (const InvalidTokenError& e) {
        co_return error(code_invalid_token, "Invalid token", {}, e.what());
    } catch (const PersistenceError& e) {
        // A platform service is down and the handler did not handle it: apologise, don't fail.
        Outcome out{200, write_response(tell(settings_.skill.unavailable_text)), {}, 0, e.what(), true};
        co_return out;
    } catch (const std::exception& e) {
        co_return error(code_internal, "Internal error", settings_.skill.debug ? e.what() : "",
                        e.what());
    } catch (...) {
        co_return error(code_internal, "Internal error", {}, "handler threw a non-exception");
    }
}

}  // namespace skill::runtime
