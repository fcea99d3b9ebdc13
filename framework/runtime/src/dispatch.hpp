#pragma once
// One invocation, body in -> body out: parse, find the handler, run it under
// the deadline, and map every failure to protocol.md §4 — in one place.
#include <exception>
#include <optional>
#include <skill/environment.hpp>
#include <skill/intent.hpp>
#include <skill/net/http.hpp>
#include <skill/partner.hpp>
#include <skill/persistence.hpp>
#include <skill/task.hpp>
#include <skill/translations.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "request_log.hpp"
#include "settings.hpp"

namespace skill::runtime {

struct Outcome {
    int status = 200;
    std::string body;
    std::string intent;  // empty when the body did not parse
    int error_code = 0;  // protocol error code, 0 on success
    std::string error;   // for the log line (never contains a token)
    bool persistence_failed = false;
    bool partner_failed = false;  // a PartnerError escaped: the apology (like persistence_failed)
    // When the handler's answer was ready (unset: the invocation ended before a handler
    // ran). The request log's duration and the metrics use it too: one clock read, not three.
    std::chrono::steady_clock::time_point ended{};
};

struct InvocationInput {
    std::string_view body;
    PersistenceTransport* persistence = nullptr;  // null: persistence inactive
    std::function<HeaderList()> trace_headers;    // called at the first persistence call
    std::string trace_id;
    std::string_view span_id;  // for log lines
    RequestLog log;
    PartnerTransport* partners = nullptr;  // null: no partner declared
};

class Dispatcher {
  public:
    /// `translations`: the catalogs each invocation's locale is resolved in (null: none).
    Dispatcher(const IntentRegistry& registry, const Settings& settings,
               const Translations* translations = nullptr)
        : registry_(registry),
          settings_(settings),
          environment_{settings.skill_config, settings.skill.timezone, std::nullopt},
          translations_(translations) {}

    /// A Task, so that its frame and the handler's come from the per-thread frame cache (an
    /// Asio coroutine frame over 1 KiB is a malloc and a free per request). Run it under the
    /// invocation's deadline: net::await_task(invoke(in), net::steady_ns(deadline_from(now))).
    /// Every wait the handler reaches ends by that deadline; an answer after it is a timeout.
    Task<Outcome> invoke(InvocationInput input) const;
    /// When an invocation that arrived at `start` must be answered (skill.timeout).
    std::chrono::steady_clock::time_point deadline_from(
        std::chrono::steady_clock::time_point start) const noexcept {
        return start + settings_.skill.timeout;
    }
    /// The intent as a metric label: a registered intent, "unknown", or "" (none parsed).
    /// Never the raw name of an unregistered intent: clients must not create series.
    std::string_view intent_label(std::string_view intent) const;
    /// What every Context reads beyond its invocation (config, default zone, clock).
    HandlerEnvironment& environment() noexcept { return environment_; }
    const IntentRegistry& registry() const noexcept { return registry_; }

  private:
    /// The handler's answer, or what it threw, mapped to protocol.md §4.
    Outcome finish(std::optional<Response>& response, std::exception_ptr thrown, bool expired,
                   Context& ctx) const;
    Outcome error(int code, std::string text, std::string detail, std::string log) const;
    /// The error hooks on what the handler threw, then the after hooks on its answer.
    static void run_hooks(const Hooks& hooks, Context& ctx, std::optional<Response>& response,
                          std::exception_ptr& thrown);

    const IntentRegistry& registry_;
    const Settings& settings_;
    HandlerEnvironment environment_;
    const Translations* translations_;
};

}  // namespace skill::runtime
