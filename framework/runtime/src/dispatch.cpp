#include "dispatch.hpp"

#include <algorithm>
#include <optional>
#include <skill/log.hpp>
#include <skill/net/task_bridge.hpp>

#include "invocation_parser.hpp"
#include "response_writer.hpp"

namespace skill::runtime {

namespace {
constexpr int code_no_handler = 1, code_invalid_token = 2, code_bad_request = 3, code_timeout = 4,
              code_internal = 999;

/// When a service call must have ended: before the invocation's deadline by a
/// reserve (a tenth of it, at most 250 ms), so that a hung service still leaves
/// the handler, or the runtime's apology, time to answer instead of a 504.
std::chrono::steady_clock::time_point service_deadline(
    std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout) {
    const auto reserve =
        std::min<std::chrono::milliseconds>(timeout / 10, std::chrono::milliseconds(250));
    return deadline - reserve;
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
    // The deadline is the scheduler's, which the caller set (deadline_from()); without one
    // (a task run with no deadline), the skill's timeout from now.
    const skill::detail::Scheduler* scheduler = co_await skill::detail::this_scheduler{};
    const auto deadline =
        scheduler && scheduler->deadline_ns() != net::no_deadline
            ? std::chrono::steady_clock::time_point(std::chrono::nanoseconds(scheduler->deadline_ns()))
            : deadline_from(std::chrono::steady_clock::now());
    Invocation invocation;
    try {
        const ParseLimits limits{.max_depth = settings_.skill.max_json_depth};
        parse_invocation(input.body, limits, invocation);
    } catch (const ProtocolError& e) {
        co_return error(code_bad_request, "Invalid request format", e.what(), e.what());
    }
    std::string intent = invocation.intent;
    if (input.log.debug_enabled())
        input.log.debug("dispatch", "invocation parsed",
                        {{"intent", intent},
                         {"locale", invocation.locale},
                         {"slots", static_cast<std::int64_t>(invocation.attributes.size())},
                         {"traceId", input.trace_id},
                         {"spanId", input.span_id}});
    IntentHandler handler = registry_.find(intent);
    if (!handler) {
        auto out = error(code_no_handler, "Intent not found",
                         "no handler for intent '" + intent + "'", "no handler");
        out.intent = intent;
        co_return out;
    }
    std::string token;
    if (auto it = invocation.tokens.find("cvi"); it != invocation.tokens.end()) token = it->second;
    // Every wait a handler can reach (persistence, partners, skill::sleep_for) ends by the
    // deadline on its own, so the handler is awaited without a timer of its own.
    const auto calls_end = service_deadline(deadline, settings_.skill.timeout);
    PartnerSession partners(input.partners, input.trace_headers);
    partners.set_deadline(calls_end);
    PersistenceSession persistence(input.persistence, std::move(token),
                                   std::move(input.trace_headers));
    persistence.set_deadline(calls_end);
    // Before the Context takes the invocation: an unsupported locale is logged here, once,
    // whether or not the handler translates anything.
    const Translator* translator =
        translations_ ? translations_->resolve(invocation.locale).translator : nullptr;
    Context ctx(std::move(invocation), &persistence, std::move(input.trace_id), &partners,
                &environment_);
    ctx.set_translator(translator);

    const Hooks& hooks = registry_.hooks();
    std::optional<Response> response;
    std::exception_ptr thrown;
    try {
        // A before hook may answer instead of the handler (a per-skill check).
        for (auto* before : hooks.before)
            if ((response = before(ctx))) break;
        if (!response) {
            // Named, not a temporary inside the co_await: GCC 12 may destroy those twice.
            auto task = handler(ctx);
            response = co_await std::move(task);
        }
    } catch (...) {
        thrown = std::current_exception();
    }
    const auto ended = std::chrono::steady_clock::now();
    const bool expired = ended >= deadline;
    // Every wait ends by the deadline on its own, so an answer past it means the handler kept
    // its thread busy (blocking I/O, a long loop): every connection of that thread waited too.
    // Name the intent, so the author finds the handler to fix.
    if (expired)
        log::warning(
            "dispatch", "handler overran its deadline",
            {{"intent", intent},
             {"timeoutMs", static_cast<std::int64_t>(settings_.skill.timeout.count())},
             {"overrunMs",
              static_cast<std::int64_t>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(ended - deadline).count())},
             {"traceId", ctx.trace_id()},
             {"spanId", input.span_id}});
    if (!expired && (!hooks.on_error.empty() || !hooks.after.empty()))
        run_hooks(hooks, ctx, response, thrown);
    auto out = finish(response, thrown, expired, ctx);
    if (input.log.debug_enabled())
        input.log.debug("dispatch", "handler finished",
                        {{"intent", intent},
                         {"status", static_cast<std::int64_t>(out.status)},
                         {"persistenceCalls", static_cast<std::int64_t>(persistence.calls())},
                         {"traceId", ctx.trace_id()},
                         {"spanId", input.span_id}});
    out.intent = std::move(intent);
    out.ended = ended;
    co_return out;
}

void Dispatcher::run_hooks(const Hooks& hooks, Context& ctx, std::optional<Response>& response,
                           std::exception_ptr& thrown) {
    // An error hook may turn the exception into an answer; one that throws replaces it.
    if (thrown) {
        for (auto* on_error : hooks.on_error) {
            try {
                if (auto answer = on_error(ctx, thrown)) {
                    response = std::move(answer);
                    thrown = nullptr;
                    break;
                }
            } catch (...) {
                thrown = std::current_exception();
                break;
            }
        }
    }
    if (!response || thrown) return;
    try {
        for (auto* after : hooks.after) after(ctx, *response);
    } catch (...) {
        response.reset();
        thrown = std::current_exception();
    }
}

std::string_view Dispatcher::intent_label(std::string_view intent) const {
    if (intent.empty() || registry_.contains(intent)) return intent;
    return "unknown";
}

Outcome Dispatcher::finish(std::optional<Response>& answer, std::exception_ptr thrown, bool expired,
                           Context& ctx) const {
    try {
        if (expired) return error(code_timeout, "Timeout", {}, "handler overran its deadline");
        if (thrown) std::rethrow_exception(thrown);
        Response response = std::move(*answer);
        // Session attributes: what came in, updated by the handler, overridden by the response.
        for (auto& [k, v] : ctx.session_attributes()) response.session_attributes.try_emplace(k, v);
        return Outcome{200, write_response(response), {}, 0, {}, false};
    } catch (const SlotError& e) {
        return error(code_bad_request, "Invalid request format", e.what(), e.what());
    } catch (const InvalidTokenError& e) {
        return error(code_invalid_token, "Invalid token", {}, e.what());
    } catch (const PersistenceError& e) {
        // The token could not be sent at all: the platform refreshes it and retries.
        if (e.code() == PersistenceErrc::invalid_token)
            return error(code_invalid_token, "Invalid token", {}, e.what());
        // A platform service is down and the handler did not handle it: apologise, don't fail.
        Outcome out{200, write_response(tell(settings_.skill.unavailable_text)), {}, 0, e.what(),
                    true};
        return out;
    } catch (const PartnerError& e) {
        // An undeclared partner, a path or header that may not be sent: the skill's bug.
        if (e.code() == PartnerErrc::unknown_partner || e.code() == PartnerErrc::invalid_request)
            return error(code_internal, "Internal error", settings_.skill.debug ? e.what() : "",
                         e.what());
        // A partner is down and the handler did not handle it: apologise, as for persistence.
        Outcome out{200,  write_response(tell(settings_.skill.unavailable_text)), {}, 0, e.what(),
                    false};
        out.partner_failed = true;
        return out;
    } catch (const std::exception& e) {
        return error(code_internal, "Internal error", settings_.skill.debug ? e.what() : "",
                     e.what());
    } catch (...) {
        return error(code_internal, "Internal error", {}, "handler threw a non-exception");
    }
}

}  // namespace skill::runtime
