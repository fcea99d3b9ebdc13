#pragma once
// Code around every handler, registered like SKILL_INTENT (docs/handlers.md, "Hooks"):
//
//   SKILL_BEFORE {                                  // before every handler, in link order
//       if (!ctx.token("cvi")) return skill::tell("Please link your account first.");
//       return std::nullopt;                        // go on to the handler
//   }
//   SKILL_AFTER { response.with_session("seen", "1"); }   // after every answer
//   SKILL_ON_ERROR(skill::PersistenceError) {       // an exception of this type escaped
//       return skill::tell("Sorry, I can't remember right now.");  // std::nullopt: not handled
//   }
//   SKILL_READY { return cache_loaded.load(); }     // /k8s/readiness is 503 until true
//
// Hooks are plain functions, not coroutines: they run on the I/O thread and must not block.
// Registered hooks are run in registration order; with none registered a request pays one
// empty-vector check per kind.
#include <exception>
#include <optional>
#include <skill/context.hpp>
#include <skill/response.hpp>
#include <vector>

namespace skill {

/// Before the handler: a Response answers instead of the handler (and the after hooks run
/// on it); std::nullopt goes on. A throw is handled like the handler's own.
using BeforeHook = std::optional<Response> (*)(Context&);
/// After the handler (or a before/error hook) answered: may change the answer.
using AfterHook = void (*)(Context&, Response&);
/// An exception escaped the handler: a Response answers instead; std::nullopt passes it on.
using ErrorHook = std::optional<Response> (*)(Context&, std::exception_ptr);
/// Whether the skill is ready for traffic (called by /k8s/readiness from any I/O thread).
using ReadyHook = bool (*)();

struct Hooks {
    std::vector<BeforeHook> before;
    std::vector<AfterHook> after;
    std::vector<ErrorHook> on_error;
    std::vector<ReadyHook> ready;

    /// Every ready hook says true (true when there is none).
    bool all_ready() const {
        for (auto* hook : ready)
            if (!hook()) return false;
        return true;
    }
};

/// The hooks SKILL_BEFORE & co. fill at static-initialisation time (the runtime reads them
/// through IntentRegistry::hooks() of the global registry).
Hooks& global_hooks();

struct HookRegistrar {
    explicit HookRegistrar(BeforeHook hook) { global_hooks().before.push_back(hook); }
    explicit HookRegistrar(AfterHook hook) { global_hooks().after.push_back(hook); }
    explicit HookRegistrar(ErrorHook hook) { global_hooks().on_error.push_back(hook); }
    explicit HookRegistrar(ReadyHook hook) { global_hooks().ready.push_back(hook); }
};

}  // namespace skill

#define SKILL_DETAIL_HOOK_CAT2(a, b) a##b
#define SKILL_DETAIL_HOOK_CAT(a, b) SKILL_DETAIL_HOOK_CAT2(a, b)

#define SKILL_DETAIL_BEFORE(FN)                                    \
    static std::optional<::skill::Response> FN(::skill::Context&); \
    static const ::skill::HookRegistrar SKILL_DETAIL_HOOK_CAT(     \
        FN, _registrar){static_cast<::skill::BeforeHook>(&FN)};    \
    static std::optional<::skill::Response> FN([[maybe_unused]] ::skill::Context& ctx)
/// Runs before every handler; the body returns std::optional<skill::Response>.
#define SKILL_BEFORE SKILL_DETAIL_BEFORE(SKILL_DETAIL_HOOK_CAT(skill_before_, __COUNTER__))

#define SKILL_DETAIL_AFTER(FN)                                 \
    static void FN(::skill::Context&, ::skill::Response&);     \
    static const ::skill::HookRegistrar SKILL_DETAIL_HOOK_CAT( \
        FN, _registrar){static_cast<::skill::AfterHook>(&FN)}; \
    static void FN([[maybe_unused]] ::skill::Context& ctx,     \
                   [[maybe_unused]] ::skill::Response& response)
/// Runs after every answer; the body may change `response`.
#define SKILL_AFTER SKILL_DETAIL_AFTER(SKILL_DETAIL_HOOK_CAT(skill_after_, __COUNTER__))

#define SKILL_DETAIL_ON_ERROR(TYPE, FN)                                                       \
    static std::optional<::skill::Response> FN(::skill::Context&, const TYPE&);               \
    static std::optional<::skill::Response> SKILL_DETAIL_HOOK_CAT(FN, _match)(                \
        ::skill::Context & ctx, std::exception_ptr thrown) {                                  \
        try {                                                                                 \
            std::rethrow_exception(thrown);                                                   \
        } catch (const TYPE& error) {                                                         \
            return FN(ctx, error);                                                            \
        } catch (...) {                                                                       \
            return std::nullopt;                                                              \
        }                                                                                     \
    }                                                                                         \
    static const ::skill::HookRegistrar SKILL_DETAIL_HOOK_CAT(                                \
        FN, _registrar){static_cast<::skill::ErrorHook>(&SKILL_DETAIL_HOOK_CAT(FN, _match))}; \
    static std::optional<::skill::Response> FN([[maybe_unused]] ::skill::Context& ctx,        \
                                               [[maybe_unused]] const TYPE& error)
/// Runs when an exception of TYPE (or derived) escapes a handler; the body sees `error` and
/// returns std::optional<skill::Response>.
#define SKILL_ON_ERROR(TYPE) \
    SKILL_DETAIL_ON_ERROR(TYPE, SKILL_DETAIL_HOOK_CAT(skill_on_error_, __COUNTER__))

#define SKILL_DETAIL_READY(FN)                                 \
    static bool FN();                                          \
    static const ::skill::HookRegistrar SKILL_DETAIL_HOOK_CAT( \
        FN, _registrar){static_cast<::skill::ReadyHook>(&FN)}; \
    static bool FN()
/// Readiness: /k8s/readiness answers 503 while the body returns false.
#define SKILL_READY SKILL_DETAIL_READY(SKILL_DETAIL_HOOK_CAT(skill_ready_, __COUNTER__))
