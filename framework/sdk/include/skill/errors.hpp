#pragma once
// Exceptions a handler may throw or catch; the runtime maps the uncaught ones
// to the answers of protocol.md §4 (see docs/handlers.md).
#include <stdexcept>
#include <string>

namespace skill {

/// A slot value that does not convert to the requested type.
/// Uncaught: 400 code 3 with the message as `detail` (the platform sent bad input).
class SlotError : public std::runtime_error {
public:
    SlotError(std::string slot, std::string value, std::string expected);
    const std::string& slot() const noexcept { return slot_; }
    const std::string& value() const noexcept { return value_; }

private:
    std::string slot_;
    std::string value_;
};

/// Throw when a service token is invalid or expired: 400 code 2, the platform
/// refreshes the token and retries.
class InvalidTokenError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The invocation's deadline ([skill] timeout) passed while the handler waited (e.g. in
/// skill::sleep_for). Uncaught, like any handler past its deadline: 504 code 4.
class DeadlineExceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace skill
