#pragma once
// What the runtime answered, as the platform sees it: HTTP status and JSON body, with typed
// accessors for the parts tests assert on.
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <skill/response.hpp>
#include <string>

namespace skill::testing {

struct Reply {
    int status = 0;
    boost::json::value body;
    /// The handler threw a PersistenceError it did not handle: the body is the apology TELL.
    bool persistence_failed = false;
    /// The handler let a PartnerError (a partner down, slow, ...) escape: the apology too.
    bool partner_failed = false;

    /// 200 and a response body (not an error body).
    bool ok() const;
    /// "TELL", "ASK" or "ASK_FREETEXT"; empty for an error body.
    std::string type_name() const;
    /// Throws std::logic_error for an error body (the message shows the body).
    ResponseType type() const;
    std::string text() const;
    std::optional<Card> card() const;
    std::map<std::string, std::string> session_attributes() const;
    /// result.data.use_kit, when present.
    std::optional<KitAction> kit() const;
    /// result.delayedClientTask, when present (reference/offset empty for an executeAt task).
    std::optional<DelayedClientTask> delayed_task() const;
    /// The protocol error code of an error body (1, 2, 3, 4, 999); 0 for a response.
    int error_code() const;
    /// The error body's `detail`, or empty.
    std::string detail() const;
    /// The body as compact JSON (what failing assertions print).
    std::string json() const;
};

}  // namespace skill::testing
