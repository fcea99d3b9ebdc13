// skill::Config: INI text -> sections of trimmed, unquoted, interpolated values,
// with SECTION_KEY environment overrides (docs/configuration.md).
#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <skill/config.hpp>
#include <sstream>

namespace skill {
namespace {

std::optional<std::string> process_getenv(const std::string& name) {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
}

// Secrets are never echoed back in error messages (they end up in start-up logs).
bool is_secret(std::string_view key) {
    return key.find("key") != std::string_view::npos ||
           key.find("secret") != std::string_view::npos ||
           key.find("password") != std::string_view::npos ||
           key.find("token") != std::string_view::npos;
}

std::string strip_quotes(std::string value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        return value.substr(1, value.size() - 2);
    }
    return value;
}

// Expands every ${NAME} / ${NAME:default} in `value`. The default runs up to the
// first '}' and may itself contain ':' (URLs: ${URL:http://host:1555}).
std::string interpolate(const std::string& section, const std::string& key,
                        const std::string& value, const Config::Getenv& getenv) {
    std::string out;
    out.reserve(value.size());
    std::size_t pos = 0;
    while (pos < value.size()) {
        const auto open = value.find("${", pos);
        if (open == std::string::npos) break;
        const auto close = value.find('}', open + 2);
        if (close == std::string::npos) {
            throw ConfigError("[" + section + "] " + key + " = '" +
                              (is_secret(key) ? std::string("***") : value) +
                              "': unterminated ${ (expected ${NAME} or ${NAME:default})");
        }
        out.append(value, pos, open - pos);
        const std::string_view inner(value.data() + open + 2, close - open - 2);
        const auto colon = inner.find(':');
        const std::string name(inner.substr(0, colon));
        if (auto env = getenv(name)) {
            out += *env;
        } else if (colon != std::string_view::npos) {
            out += inner.substr(colon + 1);
        }
        pos = close + 1;
    }
    out.append(value, pos, std::string::npos);
    return out;
}

boost::property_tree::ptree read_tree(std::string_view ini_text) {
    std::istringstream in{std::string(ini_text)};
    boost::property_tree::ptree tree;
    try {
        boost::property_tree::ini_parser::read_ini(in, tree);
    } catch (const boost::property_tree::ini_parser_error& e) {
        throw ConfigError("config line " + std::to_string(e.line()) + ": " + e.message());
    }
    return tree;
}

}  // namespace

Config Config::parse(std::string_view ini_text, const Getenv& getenv) {
    Config config;
    config.getenv_ = getenv ? getenv : Getenv(process_getenv);
    const auto tree = read_tree(ini_text);
    for (const auto& [name, node] : tree) {
        if (node.empty() && !node.data().empty()) {
            // read_ini keeps key=value lines before the first [section] at the root.
            throw ConfigError("config key '" + name + "' appears before the first [section]");
        }
        auto& section = config.values_[name];
        for (const auto& [key, child] : node) {
            const auto raw = strip_quotes(child.data());
            section[key] = interpolate(name, key, raw, config.getenv_);
        }
    }
    // Overrides applied once here so that sections() shows what get() returns.
    for (auto& [name, section] : config.values_) {
        for (auto& [key, value] : section) {
            if (auto env = config.getenv_(env_name(name, key))) value = *env;
        }
    }
    return config;
}

Config Config::load(const std::string& path, const Getenv& getenv) {
    // A directory opens as a stream that reads nothing: it would load as an empty config.
    std::error_code status_error;
    const auto status = std::filesystem::status(path, status_error);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
        throw ConfigError("config file " + path + " is not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError("cannot read config file " + path + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ConfigError("cannot read config file " + path + ": read error");
    }
    return parse(text.str(), getenv);
}

std::optional<std::string> Config::get(std::string_view section, std::string_view key) const {
    if (hidden_ && hidden_(section)) return std::nullopt;
    // Keys present in the file already carry their override (see parse), and a
    // value from set() wins over the environment; absent keys ask the environment.
    if (auto s = values_.find(std::string(section)); s != values_.end()) {
        if (auto k = s->second.find(std::string(key)); k != s->second.end()) return k->second;
    }
    if (getenv_) return getenv_(env_name(section, key));
    return std::nullopt;
}

std::string Config::get_or(std::string_view section, std::string_view key,
                           std::string fallback) const {
    auto value = get(section, key);
    return value ? std::move(*value) : std::move(fallback);
}

Config Config::without(const Function<bool(std::string_view)>& hidden) const {
    Config out;
    out.getenv_ = getenv_;
    out.hidden_ = hidden;
    for (const auto& [name, keys] : values_)
        if (!hidden(name)) out.values_.emplace(name, keys);
    return out;
}

void Config::bad_value(std::string_view section, std::string_view key, std::string_view value,
                       std::string_view expected) {
    throw ConfigError("[" + std::string(section) + "] " + std::string(key) + " = '" +
                      (is_secret(key) ? std::string("***") : std::string(value)) + "': expected " +
                      (expected == "integer" ? "an " : "a ") + std::string(expected));
}

void Config::set(std::string section, std::string key, std::string value) {
    values_[std::move(section)][std::move(key)] = std::move(value);
}

std::string Config::env_name(std::string_view section, std::string_view key) {
    std::string name;
    name.reserve(section.size() + key.size() + 1);
    auto append = [&name](std::string_view part) {
        for (const char c : part) {
            const auto u = static_cast<unsigned char>(c);
            name += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
        }
    };
    append(section);
    name += '_';
    append(key);
    return name;
}

}  // namespace skill
