#pragma once
// Intent handlers and their registration.
//
//   SKILL_INTENT("HELLO_INTENT") {
//       co_return skill::tell("Hello!");
//   }
//
// The body is a coroutine receiving `skill::Context& ctx`; it may co_await
// services and must co_return a skill::Response. SKILL_INTENT("FALLBACK_INTENT")
// answers every intent without a handler of its own.
#include <map>
#include <skill/context.hpp>
#include <skill/hooks.hpp>
#include <skill/response.hpp>
#include <skill/task.hpp>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

namespace skill {

using IntentHandler = Task<Response> (*)(Context&);

inline constexpr std::string_view fallback_intent = "FALLBACK_INTENT";

class IntentRegistry {
  public:
    struct Entry {
        IntentHandler handler;
        std::source_location where;
    };

    /// The registry SKILL_INTENT fills at static-initialisation time.
    static IntentRegistry& global();

    void add(std::string_view intent, IntentHandler handler,
             std::source_location where = std::source_location::current());
    /// The handler of `intent`, else the fallback handler, else nullptr.
    IntentHandler find(std::string_view intent) const;
    /// Whether `intent` has a handler of its own (the fallback does not count).
    bool contains(std::string_view intent) const { return entries_.find(intent) != entries_.end(); }
    /// One message per duplicate registration, naming both source locations.
    const std::vector<std::string>& duplicates() const noexcept { return duplicates_; }
    std::vector<std::string> intents() const;

    /// Before/after/error/readiness hooks (skill/hooks.hpp); the global registry's are what
    /// SKILL_BEFORE & co. register.
    Hooks& hooks() noexcept { return hooks_; }
    const Hooks& hooks() const noexcept { return hooks_; }

  private:
    std::map<std::string, Entry, std::less<>> entries_;
    std::vector<std::string> duplicates_;
    Hooks hooks_;
};

/// One static instance per SKILL_INTENT use: registers at static-init time.
struct IntentRegistrar {
    IntentRegistrar(std::string_view intent, IntentHandler handler,
                    std::source_location where = std::source_location::current()) {
        IntentRegistry::global().add(intent, handler, where);
    }
};

}  // namespace skill

#define SKILL_DETAIL_CAT2(a, b) a##b
#define SKILL_DETAIL_CAT(a, b) SKILL_DETAIL_CAT2(a, b)
#define SKILL_DETAIL_INTENT(NAME, FN)                                                  \
    static ::skill::Task<::skill::Response> FN(::skill::Context&);                     \
    static const ::skill::IntentRegistrar SKILL_DETAIL_CAT(FN, _registrar){NAME, &FN}; \
    static ::skill::Task<::skill::Response> FN([[maybe_unused]] ::skill::Context& ctx)

/// Define and register the handler of intent NAME (a string literal).
#define SKILL_INTENT(NAME) SKILL_DETAIL_INTENT(NAME, SKILL_DETAIL_CAT(skill_intent_, __COUNTER__))
