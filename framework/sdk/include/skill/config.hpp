#pragma once
// skill.conf as a skill sees it: every [section] key after ${ENV:default}
// interpolation and SECTION_KEY environment overrides (docs/configuration.md).
#include <map>
#include <optional>
#include <skill/function.hpp>
#include <skill/slots.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skill {

/// Start-up stops with this: names the section, key and value at fault.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Config {
  public:
    using Getenv = Function<std::optional<std::string>(const std::string&)>;

    /// Parse INI text. `getenv` defaults to the process environment.
    static Config parse(std::string_view ini_text, const Getenv& getenv = {});
    /// Read and parse a file; throws ConfigError when it cannot be read.
    static Config load(const std::string& path, const Getenv& getenv = {});

    std::optional<std::string> get(std::string_view section, std::string_view key) const;
    std::string get_or(std::string_view section, std::string_view key, std::string fallback) const;

    /// The value as T (bool: true/false, yes/no, on/off, 1/0; integers; floating point;
    /// skill::Duration in ISO 8601: PT10S), std::nullopt when absent. Throws ConfigError
    /// naming section, key and value when it does not convert.
    template <class T>
    std::optional<T> get(std::string_view section, std::string_view key) const {
        auto text = get(section, key);
        if (!text) return std::nullopt;
        if (auto value = parse_slot<T>(*text)) return value;
        bad_value(section, key, *text, slot_type_name<T>());
    }
    /// The value as T, or `fallback` when absent (still throws ConfigError on a bad value).
    template <class T>
    requires(!std::is_convertible_v<T, std::string>) T
        get_or(std::string_view section, std::string_view key, T fallback)
    const {
        auto value = get<T>(section, key);
        return value ? std::move(*value) : std::move(fallback);
    }

    /// A copy that hides every section `hidden(name)` is true of: get() answers
    /// std::nullopt for it (without asking the environment) and sections() leaves it out.
    /// What a handler's ctx.config() is: the skill's own sections, not the framework's.
    Config without(const Function<bool(std::string_view)>& hidden) const;
    /// All sections -> keys -> values (after interpolation and overrides).
    const std::map<std::string, std::map<std::string, std::string>>& sections() const noexcept {
        return values_;
    }
    /// Set a value (tests, command-line overrides).
    void set(std::string section, std::string key, std::string value);

    /// Name of the environment variable overriding [section] key: SECTION_KEY.
    static std::string env_name(std::string_view section, std::string_view key);

  private:
    [[noreturn]] static void bad_value(std::string_view section, std::string_view key,
                                       std::string_view value, std::string_view expected);

    std::map<std::string, std::map<std::string, std::string>> values_;
    Getenv getenv_;  // empty for a default-constructed Config: no environment
    Function<bool(std::string_view)> hidden_;  // sections get() does not answer for
};

}  // namespace skill
