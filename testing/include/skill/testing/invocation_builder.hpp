#pragma once
// Build an invocation in one line:
//
//   auto in = skill::testing::invocation("HELLO_INTENT_REPROMPT")
//                 .slot("name", "Anna").locale("en").token("anna").session("s-1");
//
// Defaults: locale "de", skill id "test", token "test-user" (the fake persistence treats the
// token as the user), no session. to_json() writes the SPI 1.4.1 wire form (docs/protocol.md).
#include <cstddef>
#include <initializer_list>
#include <map>
#include <skill/invocation.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace skill::testing {

class InvocationBuilder {
  public:
    explicit InvocationBuilder(std::string intent);

    /// Adds one value to slot `name` (call again for a multi-value slot).
    InvocationBuilder& slot(std::string name, std::string value);
    InvocationBuilder& slots(std::initializer_list<std::pair<std::string, std::string>> values);
    InvocationBuilder& locale(std::string locale);
    /// The user's IANA zone, sent as the `timezone` attribute (what ctx.timezone() reads).
    InvocationBuilder& timezone(std::string zone);
    /// The "cvi" token: the fake persistence and the stub's dev tokens map it to a user.
    InvocationBuilder& token(std::string token);
    /// No "cvi" token at all (what a user without persistence consent sends).
    InvocationBuilder& no_token();
    InvocationBuilder& skill_id(std::string id);
    InvocationBuilder& session(std::string id, std::map<std::string, std::string> attributes = {},
                               bool is_new = true);
    /// Adds one value to configuration entry `key`: any JSON value
    /// (`.configuration("activateSomeFeature", true)`, `nullptr` is JSON null, a string,
    /// `{{"a", 1}}`); call again for a list.
    InvocationBuilder& configuration(std::string key, Document value);
    /// Without a session the invocation carries none (the runtime then treats it as new).
    InvocationBuilder& no_session();

    const Invocation& build() const noexcept { return invocation_; }
    operator const Invocation&() const noexcept { return invocation_; }  // NOLINT: one-line use
    std::string json() const;

  private:
    Invocation invocation_;
};

inline InvocationBuilder invocation(std::string intent) {
    return InvocationBuilder(std::move(intent));
}

/// The invocation as the platform sends it (attributes and attributesV2 both filled).
std::string to_json(const Invocation& invocation);

}  // namespace skill::testing
