#pragma once
// A skill's gettext catalogs (docs/localisation.md): <dir>/<lang>[_<REGION>]/LC_MESSAGES/
// <domain>.mo, loaded once at start-up. The runtime resolves each invocation's locale to a
// Translator, a fallback chain (de_AT -> de -> the default language), that ctx.tr() reads.
// Handlers use ctx.tr(); this header is for the runtime, the test kit and tools.
#include <memory>
#include <skill/message.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace skill {

/// One locale's chain of catalogs (opaque; owned by its Translations).
class Translator;

struct TranslationOptions {
    std::string dir;             // holds <lang>/LC_MESSAGES/<domain>.mo; none there: no catalogs
    std::string domain;          // the .mo file's name without extension
    std::string default_locale;  // the last step of every chain, e.g. "de"
    /// The locales to serve ([skill] locales): a catalog outside them is not loaded, and each
    /// must have a catalog (its own or its language's). Empty: every catalog found.
    std::vector<std::string> locales;
    /// A missing key, or a placeholder without an argument, throws std::logic_error instead
    /// of being logged (the test kit's default: a test fails, not a user hears a key).
    bool strict = false;
};

class Translations {
  public:
    /// No catalogs: every key is its own text; `locales` are the supported ones.
    explicit Translations(std::vector<std::string> locales = {});
    /// Throws ConfigError for an unreadable catalog, a [skill] locale without one, or a default
    /// language without one (when catalogs exist at all).
    static Translations load(const TranslationOptions& options);
    Translations(Translations&&) noexcept;
    Translations& operator=(Translations&&) noexcept;
    ~Translations();

    struct Resolved {
        const Translator* translator;  // nullptr: no catalogs
        bool supported;                // false: answered through the default language's chain
    };
    /// The chain for an invocation's locale ("de-AT", "de_AT", "de"): its own catalog, its
    /// language's, the default's. No lock and no allocation. An unsupported locale resolves
    /// to the default language's chain and is logged once (warning).
    Resolved resolve(std::string_view locale) const noexcept;

    /// The locales served, as BCP 47 tags ("de", "de-AT"): the catalogs loaded, or the
    /// configured locales when there are none.
    const std::vector<std::string>& locales() const noexcept;
    bool has_catalogs() const noexcept;
    const std::string& default_locale() const noexcept;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

/// The lookups behind ctx.tr() / ctx.tr_n(), for a Translator from resolve() (or nullptr).
/// A key no catalog of the chain has is its own text (tr_n: `key` for n == 1, else
/// `key_plural`), logged once per key; so is a placeholder without an argument.
std::string translate(const Translator* t, std::string_view key, std::span<const MessageArg> args);
std::string translate_plural(const Translator* t, std::string_view key, std::string_view key_plural,
                             long long n, std::span<const MessageArg> args);
/// The BCP 47 tag of the translator's first catalog, e.g. "de-AT" ("" for nullptr).
std::string_view translator_locale(const Translator* t) noexcept;

}  // namespace skill
