// persistence-stub: the persistence service's HTTP API on a local SQLite file or
// a PostgreSQL database (shared by replicas).
//
//   persistence-stub [--host H] [--port P] [--db FILE|URI] [--jwt-secret S] [--insecure-unverified]
//                    [--threads N] [--base-path P] [--tls-cert PEM --tls-key PEM]
//   persistence-stub --dev-token USER SKILL [--jwt-secret S]
#include <malloc.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <skill/log.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "backend.hpp"
#include "jwt.hpp"
#include "stub_api.hpp"
#include "stub_server.hpp"

namespace {

constexpr std::string_view logger = "persistence-stub";

constexpr std::string_view usage =
    "usage: persistence-stub [--host H] [--port P] [--db FILE|URI] [--jwt-secret S]\n"
    "                        [--insecure-unverified] [--threads N] [--base-path P]\n"
    "                        [--tls-cert PEM --tls-key PEM]\n"
    "       persistence-stub --dev-token USER SKILL [--jwt-secret S]\n"
    "  --host H          IP address to bind (default 127.0.0.1)\n"
    "  --port P          port to bind, 0 = any free one (default 1555)\n"
    "  --db FILE         SQLite file, parent directories are created (default ./persistence.db)\n"
    "  --db URI          postgresql://... (libpq URI): a PostgreSQL database, which several\n"
    "                    stubs may share; a password is better given as env PGPASSWORD\n"
    "  --jwt-secret S    verify HS256 token signatures with S, not empty\n"
    "                    (env PERSISTENCE_STUB_JWT_SECRET, which must not be set empty);\n"
    "                    without it token claims are read UNVERIFIED (development only),\n"
    "                    which is allowed on a loopback --host only, unless:\n"
    "  --insecure-unverified  read claims unverified on any --host (never in production)\n"
    "  --threads N       I/O threads (default 1)\n"
    "  --max-queued-write-bytes N  bytes of writes queued but not yet committed; a write\n"
    "                    over it is answered 503 (default 16777216 = 16 MiB)\n"
    "  --base-path P     serve the API at P/entry and P/entry/data (default /v1/persistence;\n"
    "                    /svh/services/persistence/v1 for the platform's own URL)\n"
    "  --tls-cert PEM    serve HTTPS only (TLS 1.2+): certificate chain, leaf first\n"
    "                    (env PERSISTENCE_STUB_TLS_CERT); needs --tls-key\n"
    "  --tls-key PEM     the certificate's private key, unencrypted\n"
    "                    (env PERSISTENCE_STUB_TLS_KEY)\n"
    "  --dev-token U S   print an HS256 token for user U and skill S, then exit\n"
    "                    (signed with --jwt-secret, or \"dev-secret\")\n";

struct Args {
    skill::stub::StubOptions options;
    std::optional<std::pair<std::string, std::string>> dev_token;  // user, skill
};

template <class T>
bool parse_number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

/// Parsed flags, or nothing after printing what is wrong.
std::optional<Args> parse_args(int argc, char** argv) {
    Args args;
    if (const char* secret = std::getenv("PERSISTENCE_STUB_JWT_SECRET")) {
        // Set but empty is a mistake (an unset variable in a template, say), not a
        // request for unverified mode: refuse it rather than trust every token.
        if (*secret == '\0') {
            std::cerr << "PERSISTENCE_STUB_JWT_SECRET is set but empty: set it to the secret, or "
                         "unset it for unverified development mode\n";
            return std::nullopt;
        }
        args.options.jwt_secret = secret;
    }
    std::string tls_cert, tls_key;
    if (const char* v = std::getenv("PERSISTENCE_STUB_TLS_CERT")) tls_cert = v;
    if (const char* v = std::getenv("PERSISTENCE_STUB_TLS_KEY")) tls_key = v;
    const std::vector<std::string_view> a(argv + 1, argv + argc);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string_view flag = a[i];
        const bool has_value = i + 1 < a.size();
        if (flag == "--dev-token" && i + 2 < a.size()) {
            args.dev_token.emplace(std::string(a[i + 1]), std::string(a[i + 2]));
            i += 2;
        } else if (flag == "--host" && has_value) {
            args.options.host = a[++i];
        } else if (flag == "--port" && has_value && parse_number(a[i + 1], args.options.port)) {
            ++i;
        } else if (flag == "--db" && has_value) {
            args.options.db_path = a[++i];
        } else if (flag == "--jwt-secret" && has_value) {
            if (a[i + 1].empty()) {
                std::cerr << "--jwt-secret is empty: give the secret, or leave the flag out for "
                             "unverified development mode\n";
                return std::nullopt;
            }
            args.options.jwt_secret = std::string(a[++i]);
        } else if (flag == "--insecure-unverified") {
            args.options.insecure_unverified = true;
        } else if (flag == "--max-queued-write-bytes" && has_value &&
                   parse_number(a[i + 1], args.options.max_queued_write_bytes) &&
                   args.options.max_queued_write_bytes > 0) {
            ++i;
        } else if (flag == "--base-path" && has_value && skill::stub::valid_base_path(a[i + 1])) {
            args.options.base_path = a[++i];
        } else if (flag == "--tls-cert" && has_value && !a[i + 1].empty()) {
            tls_cert = a[++i];
        } else if (flag == "--tls-key" && has_value && !a[i + 1].empty()) {
            tls_key = a[++i];
        } else if (flag == "--threads" && has_value &&
                   parse_number(a[i + 1], args.options.threads) && args.options.threads > 0) {
            ++i;
        } else {
            std::cerr << "bad argument: " << flag << "\n" << usage;
            return std::nullopt;
        }
    }
    if (tls_cert.empty() != tls_key.empty()) {
        std::cerr << "--tls-cert and --tls-key go together\n" << usage;
        return std::nullopt;
    }
    if (!tls_cert.empty()) args.options.tls = skill::net::TlsOptions{tls_cert, tls_key};
    return args;
}

void configure_logs() {
    using namespace skill::log;
    const char* level = std::getenv("LOG_LEVEL");
    const char* format = std::getenv("LOG_FORMAT");
    configure(parse_level(level ? level : "").value_or(Level::info),
              parse_format(format ? format : "").value_or(Format::json));
}

int serve(const skill::stub::StubOptions& options) {
    namespace log = skill::log;
    if (!skill::stub::is_postgres_uri(options.db_path)) {
        const auto parent = std::filesystem::path(options.db_path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
    }
    skill::stub::StubServer server(options);
    server.drain_on_signal();
    const std::uint16_t port = server.start();
    log::info(
        logger, "listening",
        {{"host", std::string_view(options.host)},
         {"port", static_cast<std::int64_t>(port)},
         {"db", std::string_view(skill::stub::loggable_database(options.db_path))},
         {"threads", static_cast<std::int64_t>(options.threads)},
         {"max_queued_write_bytes", static_cast<std::int64_t>(options.max_queued_write_bytes)},
         {"tls", options.tls.has_value()},
         {"tokens",
          std::string_view(server.checks_signatures() ? "HS256 verified" : "UNVERIFIED")}});
    if (!server.checks_signatures()) {
        log::warning(logger,
                     "JWT signatures are not verified: any well-formed token is "
                     "trusted (local development only); pass --jwt-secret to verify",
                     {{"loopback", skill::stub::is_loopback(options.host)},
                      {"insecure_unverified", options.insecure_unverified}});
    } else if (options.insecure_unverified) {
        log::info(logger, "--insecure-unverified has no effect: a JWT secret is set");
    }
    server.run_until_signal();
    log::info(logger, "stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Blocks of 128 KiB and more (request bodies, a set's JSON, answers) come from mmap
    // and go back to the system when freed. glibc's default threshold rises after the
    // first such free, up to 32 MiB: a burst of large writes then stayed in the heap
    // (~150 MB resident after 300 writes of 1 MiB, for good). Setting it fixes it.
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    configure_logs();
    if (argc == 2 && std::string_view(argv[1]) == "--help") {
        std::cout << usage;
        return 0;
    }
    const auto args = parse_args(argc, argv);
    if (!args) return 2;
    if (!args->dev_token) {
        if (const auto problem = skill::stub::identity_options_problem(args->options);
            !problem.empty()) {
            std::cerr << "persistence-stub: " << problem << "\n";
            return 2;
        }
    }
    if (args->dev_token) {
        const auto& [user, skill_id] = *args->dev_token;
        std::cout << skill::stub::make_dev_token(user, skill_id,
                                                 args->options.jwt_secret.value_or(
                                                     std::string(skill::stub::default_dev_secret)))
                  << '\n';
        return 0;
    }
    try {
        return serve(args->options);
    } catch (const std::exception& e) {
        skill::log::error(logger, "cannot start", {{"error", std::string_view(e.what())}});
        return 1;
    }
}
