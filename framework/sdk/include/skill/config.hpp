#pragma once
// skill.conf as a skill sees it: every [section] key after ${ENV:default}
// interpolation and SECTION_KEY environment overrides (docs/configuration.md).
#include <skill/function.hpp>

#include <map>
#include <optional>
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
    /// All sections -> keys -> values (after interpolation and overrides).
    const std::map<std::string, std::map<std::string, std::string>>& sections() const noexcept {
        return values_;
    }
    /// Set a value (tests, command-line overrides).
    void set(std::string section, std::string key, std::string value);

    /// Name of the environment variable overriding [section] key: SECTION_KEY.
    static std::string env_name(std::string_view section, std::string_view key);

private:
    std::map<std::string, std::map<std::string, std::string>> values_;
    Getenv getenv_;  // empty for a default-constructed Config: no environment
};

}  // namespace skill
