// SlotError's message: the slot, the offending value (capped) and the expected type.
#include <skill/errors.hpp>

#include <skill/utf8.hpp>

namespace skill {
namespace {

constexpr std::size_t max_value_bytes = 64;

std::string slot_message(const std::string& slot, const std::string& value,
                         const std::string& expected) {
    // The value comes from the user's utterance: cap it (on a UTF-8 boundary) so a detail or a
    // log line stays short.
    const auto shown = utf8::truncate(value, max_value_bytes);
    return "slot '" + slot + "': '" + std::string(shown) +
           (shown.size() < value.size() ? "..." : "") + "' is not a valid " + expected;
}

}  // namespace

SlotError::SlotError(std::string slot, std::string value, std::string expected)
    : std::runtime_error(slot_message(slot, value, expected)),
      slot_(std::move(slot)),
      value_(std::move(value)) {}

}  // namespace skill
