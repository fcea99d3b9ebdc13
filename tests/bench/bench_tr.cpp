// ns per ctx.tr() (docs/performance.md, docs/localisation.md): the hello skill's catalogs, the
// lookups a handler makes, on one thread.
//
//   bench-tr [LOCALE_DIR] [ITERATIONS]     (default: the build tree's hello catalogs, 2M)
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <skill/translations.hpp>
#include <string>

namespace {

template <class F>
double ns_per_call(long iterations, F&& f) {
    std::size_t sink = 0;
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) sink += f();
    const auto end = std::chrono::steady_clock::now();
    if (sink == 42) std::puts("");  // keeps the results alive
    return std::chrono::duration<double, std::nano>(end - start).count() /
           static_cast<double>(iterations);
}

}  // namespace

int main(int argc, char** argv) {
    skill::TranslationOptions options;
    options.dir = argc > 1 ? argv[1] : HELLO_LOCALE_DIR;
    options.domain = "hello";
    options.default_locale = "de";
    options.locales = {"de", "en"};
    const long n = argc > 2 ? std::atol(argv[2]) : 2'000'000;
    const auto translations = skill::Translations::load(options);
    if (!translations.has_catalogs()) {
        std::fprintf(stderr, "no catalogs in %s\n", options.dir.c_str());
        return 1;
    }
    const auto* de = translations.resolve("de").translator;
    const std::string name = "Anna";
    const std::array<skill::MessageArg, 1> args{skill::arg("name", name)};

    const double resolve =
        ns_per_call(n, [&] { return translations.resolve("de-AT").supported ? 1u : 0u; });
    const double plain =
        ns_per_call(n, [&] { return skill::translate(de, "HELLO_ASK_NAME", {}).size(); });
    const double named =
        ns_per_call(n, [&] { return skill::translate(de, "HELLO_GREETING", args).size(); });
    const double fallback = ns_per_call(n, [&] {
        return skill::translate(translations.resolve("en-US").translator, "HELLO_GREETING", args)
            .size();
    });
    const double format = ns_per_call(n, [&] {
        return skill::format_message("Hallo, {name}! Heute ist ein großartiger Tag!", args).size();
    });
    std::printf("bench-tr: %ld iterations, ns per call\n", n);
    std::printf("  resolve(\"de-AT\")                      %7.1f\n", resolve);
    std::printf("  tr(\"HELLO_ASK_NAME\")                  %7.1f\n", plain);
    std::printf("  tr(\"HELLO_GREETING\", arg(name))       %7.1f\n", named);
    std::printf("  resolve(\"en-US\") + tr(GREETING, name) %7.1f\n", fallback);
    std::printf("  format_message alone (same text)      %7.1f\n", format);
    return 0;
}
