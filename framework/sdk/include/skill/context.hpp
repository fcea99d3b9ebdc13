#pragma once
// Context: everything a handler knows about the invocation it answers.
#include <optional>
#include <skill/errors.hpp>
#include <skill/invocation.hpp>
#include <skill/message.hpp>
#include <skill/partner.hpp>
#include <skill/slots.hpp>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace skill {

class PersistenceSession;
// The handler author's toolkit (docs/handlers.md): defined in skill/environment.hpp,
// skill/time.hpp, skill/config.hpp.
struct HandlerEnvironment;
struct ZonedTime;
struct LocalDate;
class Config;
class Translator;

class Context {
  public:
    explicit Context(Invocation invocation, PersistenceSession* persistence = nullptr,
                     std::string trace_id = {}, PartnerSession* partners = nullptr,
                     const HandlerEnvironment* environment = nullptr);

    const Invocation& invocation() const noexcept { return invocation_; }
    const std::string& intent() const noexcept { return invocation_.intent; }
    const std::string& locale() const noexcept { return invocation_.locale; }
    const std::string& skill_id() const noexcept { return invocation_.skill_id; }
    const std::string& trace_id() const noexcept { return trace_id_; }

    /// A service token ("cvi"); never log it.
    std::optional<std::string_view> token(std::string_view name) const;

    /// Session attributes (string -> string). Changes are sent back in the response.
    std::map<std::string, std::string>& session_attributes() noexcept {
        return session_attributes_;
    }
    bool new_session() const noexcept {
        return !invocation_.session || invocation_.session->is_new;
    }

    /// First value of a slot as T; std::nullopt when the slot is absent.
    /// Throws SlotError when the value does not convert (uncaught: 400 code 3).
    template <class T = std::string>
    std::optional<T> slot(std::string_view name) const {
        auto* values = slot_texts(name);
        if (!values || values->empty()) return std::nullopt;
        return convert<T>(name, values->front());
    }

    /// First value as T, or `fallback` when the slot is absent (still throws on a bad value).
    template <class T>
    T slot_or(std::string_view name, T fallback) const {
        auto v = slot<T>(name);
        return v ? std::move(*v) : std::move(fallback);
    }

    /// Every value of a slot as T (empty when absent); throws SlotError on a bad value.
    template <class T = std::string>
    std::vector<T> slots(std::string_view name) const {
        std::vector<T> out;
        if (auto* values = slot_texts(name))
            for (const auto& text : *values) out.push_back(convert<T>(name, text));
        return out;
    }

    /// The raw attributesV2 entries of a slot (empty when absent).
    const std::vector<SlotValue>& raw_slot(std::string_view name) const;

    /// The values of a `context.configuration` entry (empty when absent). Each is any JSON
    /// value: read it with the typed accessors (`v.as_bool()`, `v.as_string()`...).
    const std::vector<Document>& configuration(std::string_view key) const;

    /// The persistence session of this user (see skill/persistence.hpp).
    /// Throws PersistenceError(unavailable) when persistence is not configured.
    PersistenceSession& persistence() const;

    /// `key` translated for the invocation's locale (de-AT -> de -> the default language)
    /// with its placeholders filled from `args`: positional ({0}) or named (skill::arg).
    /// xgettext keyword: tr:1 (docs/localisation.md).
    template <class... Args>
    std::string tr(std::string_view key, const Args&... args) const {
        const std::array<MessageArg, sizeof...(Args)> list{MessageArg(args)...};
        return translate(key, list);
    }

    /// The plural form for `n` by the catalog's Plural-Forms rule; `{n}` is the count.
    /// xgettext keyword: tr_n:1,2.
    template <class... Args>
    std::string tr_n(std::string_view key, std::string_view key_plural, long long n,
                     const Args&... args) const {
        const std::array<MessageArg, sizeof...(Args) + 1> list{MessageArg(args)..., arg("n", n)};
        return translate_n(key, key_plural, n, list);
    }

    /// The runtime sets the chain of catalogs resolved for this invocation's locale.
    void set_translator(const Translator* translator) noexcept { translator_ = translator; }

    /// A partner API declared in skill.conf as [partner.NAME] (see skill/partner.hpp).
    /// Throws PartnerError(unknown_partner) for an undeclared name.
    Partner partner(std::string_view name) const;

    // ---- the toolkit: time and the skill's own config (docs/handlers.md) ----
    /// The user's IANA time zone: the invocation's `timezone` attribute when the system tzdata
    /// knows it, else [skill] timezone, else "UTC" (an unknown name is logged once).
    std::string_view timezone() const;
    /// Now, on the user's wall clock (#include <skill/time.hpp>); the test kit can fix it.
    ZonedTime now() const;
    /// The user's date today (#include <skill/time.hpp>).
    LocalDate today() const;
    /// The skill's own skill.conf sections, read-only (typed: config().get<int>(s, k)). The
    /// framework's sections ([skill], [http], ...) answer std::nullopt.
    const Config& config() const noexcept;

  private:
    std::string translate(std::string_view key, std::span<const MessageArg> args) const;
    std::string translate_n(std::string_view key, std::string_view key_plural, long long n,
                            std::span<const MessageArg> args) const;
    const std::vector<std::string>* slot_texts(std::string_view name) const;
    template <class T>
    T convert(std::string_view name, const std::string& text) const {
        auto v = parse_slot<T>(text);
        if (!v) throw SlotError(std::string(name), text, std::string(slot_type_name<T>()));
        return std::move(*v);
    }

    Invocation invocation_;
    std::map<std::string, std::string> session_attributes_;
    PersistenceSession* persistence_;
    std::string trace_id_;
    PartnerSession* partners_;
    const HandlerEnvironment* environment_;
    const Translator* translator_ = nullptr;
};

}  // namespace skill
