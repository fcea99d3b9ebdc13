// skill::run(): the command line of every skill executable, around one Engine.
#include "engine_impl.hpp"

#include <skill/log.hpp>
#include <skill/run.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

namespace skill {

namespace {

void print_usage() {
    std::cout << "usage: skill [--config PATH] [--list-intents]\n"
                 "  --config PATH    skill.conf to load (default: $SKILL_CONF, else ./skill.conf)\n"
                 "  --list-intents   print the registered intents and exit\n";
}

/// The config file to read, and whether it must exist: --config PATH, else
/// $SKILL_CONF, else ./skill.conf when there is one (built-in defaults when not).
struct ConfigSource {
    std::string path;
    bool required = true;
};

ConfigSource config_source(const std::optional<std::string>& flag) {
    if (flag) return {*flag, true};
    if (const char* env = std::getenv("SKILL_CONF")) {
        if (*env == '\0') throw ConfigError("SKILL_CONF is set but empty: name a config file or unset it");
        return {env, true};
    }
    return {"skill.conf", false};
}

}  // namespace

int run(int argc, char** argv) {
    std::optional<std::string> config_flag;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            print_usage();
            return 0;
        }
        if (arg == "--list-intents") {
            for (auto& name : IntentRegistry::global().intents()) std::cout << name << "\n";
            return 0;
        }
        if (arg == "--config") {
            if (i + 1 >= argc || *argv[i + 1] == '\0') {
                std::cerr << "--config needs a value: the path of a skill.conf\n";
                print_usage();
                return 2;
            }
            config_flag = argv[++i];
            continue;
        }
        std::cerr << "unknown argument: " << arg << "\n";
        print_usage();
        return 2;
    }
    try {
        const ConfigSource source = config_source(config_flag);
        // Config::load names the path when it is missing, not a regular file or unreadable.
        Config config = source.required || std::filesystem::exists(source.path)
                            ? Config::load(source.path)
                            : Config::parse("");
        auto settings = runtime::load_settings(config);
        log::configure(settings.log.level, settings.log.format);
        Engine engine = runtime::make_engine(std::move(settings), IntentRegistry::global());
        engine.drain_on_signal();
        const auto intents = IntentRegistry::global().intents().size();
        if (intents == 0)
            log::warning("skill", "no intent handlers are registered: every invocation is answered "
                                  "404 (handlers in a STATIC library are dropped by the linker; "
                                  "link them as an OBJECT library or into the executable)");
        auto port = engine.start();
        const auto& s = engine.impl().settings;
        log::info("skill", "listening",
                  {{"skill", s.skill.id},
                   {"host", s.http.host},
                   {"port", static_cast<std::int64_t>(port)},
                   {"apiBase", s.skill.api_base},
                   {"threads", static_cast<std::int64_t>(engine.impl().server.threads())},
                   {"intents", static_cast<std::int64_t>(intents)},
                   {"persistence", s.persistence.active ? std::string_view(s.persistence.url)
                                                        : std::string_view("inactive")}});
        engine.wait();
        log::info("skill", "stopped");
        return 0;
    } catch (const ConfigError& e) {
        std::cerr << "configuration error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "start-up failed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace skill
