#include "dispatch.hpp"

#include "invocation_parser.hpp"
#include "response_writer.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>
#include <variant>

namespace skill::runtime {

namespace asio = boost::asio;

namespace {
constexpr int code_no_handler = 1, code_invalid_token = 2, code_bad_request = 3,
              code_timeout = 4, code_internal = 999;

/// The handler's answer or what it threw (caught inside the spawned handler, so
/// co_spawn's own exception path, which rethrows, is never taken).
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

/// The deadlines of the invocations in flight on one io_context (which the runtime
/// runs on one thread), earliest first. One timer, armed for the earliest, serves
/// them all: per invocation no timer is armed and nothing is allocated (entries
/// live in the handlers' coroutine frames). A timer and a `||` per invocation
/// cost about as much as the whole rest of a TELL (docs/performance.md).
class DeadlineQueue : public asio::execution_context::service {
public:
    using clock = std::chrono::steady_clock;
    struct Entry {
        clock::time_point expiry;
        asio::cancellation_signal signal;  // cancels the handler on expiry
        bool expired = false;
        Entry* prev = nullptr;
        Entry* next = nullptr;
    };
    static inline asio::execution_context::id id;

    explicit DeadlineQueue(asio::execution_context& ctx) : service(ctx) {}

    void add(Entry& e, const asio::any_io_executor& ex) {
        // Invocations share one timeout, so this walk almost always stops at once.
        Entry* after = tail_;
        while (after && after->expiry > e.expiry) after = after->prev;
        e.prev = after;
        e.next = after ? after->next : head_;
        (e.next ? e.next->prev : tail_) = &e;
        (after ? after->next : head_) = &e;
        if (!timer_) timer_.emplace(ex);
        if (!armed_ || e.expiry < armed_for_) arm(e.expiry);
    }

    /// Leaves the timer armed (re-arming per request is what this class avoids): it
    /// fires within `tick` and re-arms only while entries remain.
    void remove(Entry& e) {
        if (e.expired) return;  // already unlinked by expire()
        (e.prev ? e.prev->next : head_) = e.next;
        (e.next ? e.next->prev : tail_) = e.prev;
    }

private:
    // Bounds how long an idle timer keeps io_context::run() (and so a drain) going.
    static constexpr auto tick = std::chrono::milliseconds(20);

    void shutdown() override { timer_.reset(); }

    void arm(clock::time_point at) {
        at = std::min(at, clock::now() + tick);
        armed_ = true;
        armed_for_ = at;
        timer_->expires_at(at);  // cancels a wait for a later head
        timer_->async_wait([this](boost::system::error_code ec) {
            if (ec != asio::error::operation_aborted) expire();
        });
    }

    void expire() {
        armed_ = false;
        const auto now = clock::now();
        while (head_ && head_->expiry <= now) {
            Entry& e = *head_;
            remove(e);
            e.expired = true;
            e.signal.emit(asio::cancellation_type::terminal);
        }
        if (head_) arm(head_->expiry);
    }

    Entry* head_ = nullptr;
    Entry* tail_ = nullptr;
    std::optional<asio::steady_timer> timer_;
    bool armed_ = false;
    clock::time_point armed_for_;
};

/// When a service call must have ended: before the invocation's deadline by a
/// reserve (a tenth of it, at most 250 ms), so that a hung service still leaves
/// the handler, or the runtime's apology, time to answer instead of a 504.
std::chrono::steady_clock::time_point service_deadline(std::chrono::milliseconds timeout) {
    const auto reserve = std::min<std::chrono::milliseconds>(timeout / 10, std::chrono::milliseconds(250));
    return std::chrono::steady_clock::now() + timeout - reserve;
}

/// Runs the handler in its own coroutine, cancelled (with any persistence call it
/// awaits) when its deadline passes. Sets `expired` then.
Task<HandlerResult> with_deadline(IntentHandler handler, Context& ctx,
                                  std::chrono::milliseconds timeout, bool& expired) {
    auto ex = co_await asio::this_coro::executor;
    auto& queue = asio::use_service<DeadlineQueue>(asio::query(ex, asio::execution::context));
    DeadlineQueue::Entry entry;
    entry.expiry = DeadlineQueue::clock::now() + timeout;
    queue.add(entry, ex);
    struct Unlink {  // also when this frame is destroyed unfinished (shutdown)
        DeadlineQueue& q;
        DeadlineQueue::Entry& e;
        ~Unlink() { q.remove(e); }
    } unlink{queue, entry};
    // Named, not temporaries inside the co_await: GCC 12 may destroy those twice.
    auto task = guarded(handler, ctx);
    auto token = asio::bind_cancellation_slot(entry.signal.slot(), asio::use_awaitable);
    auto result = co_await asio::co_spawn(ex, std::move(task), token);
    expired = entry.expired;
    co_return result;
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
        const ParseLimits limits{.max_depth = settings_.skill.max_json_depth};
        invocation = parse_invocation(input.body, limits);
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
        auto out = error(code_no_handler, "Intent not found", "no handler for intent '" + intent + "'",
                         "no handler");
        out.intent = intent;
        co_return out;
    }
    std::string token;
    if (auto it = invocation.tokens.find("cvi"); it != invocation.tokens.end()) token = it->second;
    const auto calls_end = service_deadline(settings_.skill.timeout);
    PartnerSession partners(input.partners, input.trace_headers);
    partners.set_deadline(calls_end);
    PersistenceSession persistence(input.persistence, std::move(token),
                                   std::move(input.trace_headers));
    persistence.set_deadline(calls_end);
    Context ctx(std::move(invocation), &persistence, std::move(input.trace_id), &partners);

    // Awaited here, not in a helper coroutine: each layer costs a frame allocation.
    HandlerResult answer;
    bool expired = false;
    try {
        answer = co_await with_deadline(handler, ctx, settings_.skill.timeout, expired);
    } catch (...) {
        answer.thrown = std::current_exception();  // could not even start the handler
    }
    auto out = finish(answer.response, answer.thrown, expired, ctx);
    if (input.log.debug_enabled())
        input.log.debug("dispatch", "handler finished",
                        {{"intent", intent},
                         {"status", static_cast<std::int64_t>(out.status)},
                         {"persistenceCalls", static_cast<std::int64_t>(persistence.calls())},
                         {"traceId", ctx.trace_id()},
                         {"spanId", input.span_id}});
    out.intent = std::move(intent);
    co_return out;
}

std::string_view Dispatcher::intent_label(std::string_view intent) const {
    if (intent.empty() || registry_.contains(intent)) return intent;
    return "unknown";
}

Outcome Dispatcher::finish(std::optional<Response>& answer, std::exception_ptr thrown,
                           bool expired, Context& ctx) const {
    try {
        if (expired) return error(code_timeout, "Timeout", {}, "handler ran out of its deadline");
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
        Outcome out{200, write_response(tell(settings_.skill.unavailable_text)), {}, 0, e.what(), true};
        return out;
    } catch (const PartnerError& e) {
        // An undeclared partner, a path or header that may not be sent: the skill's bug.
        if (e.code() == PartnerErrc::unknown_partner || e.code() == PartnerErrc::invalid_request)
            return error(code_internal, "Internal error", settings_.skill.debug ? e.what() : "",
                         e.what());
        // A partner is down and the handler did not handle it: apologise, as for persistence.
        Outcome out{200, write_response(tell(settings_.skill.unavailable_text)), {}, 0, e.what(), false};
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
