// gettext catalogs through Boost.Locale's gettext backend, used without std::locale on the
// request path: each catalog's message_format facet is created once at load (its std::locale
// only owns it) and asked directly, so a lookup is a hash lookup in the .mo's table and the
// plural form comes from the catalog's own Plural-Forms header.
#include <algorithm>
#include <boost/locale/gnu_gettext.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <locale>
#include <skill/config.hpp>
#include <skill/log.hpp>
#include <skill/translations.hpp>
#include <stdexcept>

#include "once_set.hpp"

namespace skill {

namespace {

using Facet = boost::locale::message_format<char>;

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

/// A locale as gettext names its catalogs: "de", "de_AT". Accepts BCP 47 ("de-AT",
/// "zh-Hans-CN": the script is skipped) and POSIX ("de_AT.UTF-8", "sr@latin": charset and
/// variant are dropped), any case. Written into `buf`; empty when `in` is no locale.
struct Tag {
    char buf[8] = {};
    std::size_t size = 0, language_size = 0;
    std::string_view full() const noexcept { return {buf, size}; }
    std::string_view language() const noexcept { return {buf, language_size}; }
};

Tag parse_tag(std::string_view in) noexcept {
    Tag t;
    in = in.substr(0, std::min(in.find('.'), in.find('@')));
    std::size_t i = 0;
    auto subtag = [&] {
        const auto start = i;
        while (i < in.size() && in[i] != '-' && in[i] != '_') ++i;
        auto s = in.substr(start, i - start);
        if (i < in.size()) ++i;
        return s;
    };
    const auto lang = subtag();
    if (lang.size() < 2 || lang.size() > 3 || !std::all_of(lang.begin(), lang.end(), is_alpha))
        return t;
    for (char c : lang) t.buf[t.size++] = lower(c);
    t.language_size = t.size;
    while (i < in.size()) {
        const auto s = subtag();
        if (s.size() == 4 && std::all_of(s.begin(), s.end(), is_alpha)) continue;  // script
        const bool region = (s.size() == 2 && std::all_of(s.begin(), s.end(), is_alpha)) ||
                            (s.size() == 3 && std::all_of(s.begin(), s.end(), is_digit));
        if (region) {
            t.buf[t.size++] = '_';
            for (char c : s) t.buf[t.size++] = upper(c);
        }
        break;  // the region, or something we do not read (variants, extensions)
    }
    return t;
}

std::string bcp47(std::string_view gettext_tag) {
    std::string s(gettext_tag);
    std::replace(s.begin(), s.end(), '_', '-');
    return s;
}

/// Boost.Locale asks for a NUL-terminated key; keys are short, so the copy stays on the stack.
class CKey {
  public:
    explicit CKey(std::string_view key) {
        if (key.size() < sizeof small_) {
            std::memcpy(small_, key.data(), key.size());
            small_[key.size()] = '\0';
            p_ = small_;
        } else {
            big_.assign(key);
            p_ = big_.c_str();
        }
    }
    const char* c_str() const noexcept { return p_; }

  private:
    char small_[128];
    std::string big_;
    const char* p_;
};

/// `message` the first time `what` is seen; `flood` once when the set is full; else nothing.
void log_once(detail::OnceSet& seen, std::string_view what, log::Level level,
              std::string_view message, log::Fields fields, std::string_view flood) {
    switch (seen.insert(what)) {
        case detail::OnceSet::Seen::first:
            log::write(level, "i18n", message, fields);
            break;
        case detail::OnceSet::Seen::full:
            log::write(level, "i18n", flood);
            break;
        case detail::OnceSet::Seen::again:
            break;
    }
}

/// gettext's plural expressions take an int; reduce a larger count keeping what the rules of
/// every language read (n % 10, n % 100, n % 1000, "many").
int plural_count(long long n) {
    unsigned long long a =
        n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
    if (a < 1'000'000) return static_cast<int>(a);
    return static_cast<int>(a % 1'000'000 + 1'000'000);
}

}  // namespace

struct Catalog {
    std::string tag;  // gettext form: de_AT
    std::locale owner;
    const Facet* facet = nullptr;
    int domain = 0;
};

class Translator {
  public:
    std::vector<const Catalog*> chain;  // own catalog, its language's, the default's
    std::string tag;                    // BCP 47 of chain.front()
    const Translations::Impl* owner = nullptr;
};

struct Translations::Impl {
    std::vector<std::unique_ptr<Catalog>> catalogs;
    std::vector<std::pair<std::string, std::unique_ptr<Translator>>> chains;  // by gettext tag
    const Translator* fallback = nullptr;  // the default language's chain
    std::vector<std::string> locales;      // BCP 47
    std::vector<std::string> configured;   // gettext tags: what resolve() accepts without catalogs
    std::string default_locale;
    bool strict = false;
    mutable detail::OnceSet unsupported_logged, missing_logged;

    const Translator* find(std::string_view tag) const noexcept {
        for (const auto& [t, chain] : chains)
            if (t == tag) return chain.get();
        return nullptr;
    }

    void problem(std::string_view what, std::string_view key, std::string_view locale) const {
        if (strict)
            throw std::logic_error(std::string(what) + ": " + std::string(key) + " (" +
                                   std::string(locale) + ")");
        log_once(missing_logged, key, log::Level::error, what, {{"key", key}, {"locale", locale}},
                 "translation problems: further keys are not logged");
    }
};

Translations::Translations(std::vector<std::string> locales) : impl_(std::make_unique<Impl>()) {
    for (const auto& l : locales) {
        const auto t = parse_tag(l);
        if (t.size) impl_->configured.emplace_back(t.full());
    }
    impl_->locales = std::move(locales);
    if (!impl_->locales.empty()) impl_->default_locale = impl_->locales.front();
}

Translations::Translations(Translations&&) noexcept = default;
Translations& Translations::operator=(Translations&&) noexcept = default;
Translations::~Translations() = default;

const std::vector<std::string>& Translations::locales() const noexcept {
    return impl_->locales;
}
bool Translations::has_catalogs() const noexcept {
    return !impl_->catalogs.empty();
}
const std::string& Translations::default_locale() const noexcept {
    return impl_->default_locale;
}

Translations Translations::load(const TranslationOptions& o) {
    namespace fs = std::filesystem;
    Translations out(o.locales);
    auto& impl = *out.impl_;
    impl.strict = o.strict;
    if (!o.default_locale.empty()) impl.default_locale = o.default_locale;
    std::error_code ec;
    if (o.dir.empty() || !fs::is_directory(o.dir, ec)) return out;

    // <dir>/<tag>/LC_MESSAGES/<domain>.mo, for the tags we serve.
    std::vector<std::string> configured;
    for (const auto& l : o.locales) {
        const auto t = parse_tag(l);
        if (!t.size) throw ConfigError("[skill] locales: " + l + ": not a locale");
        configured.emplace_back(t.full());
    }
    auto served = [&](const Tag& t) {
        if (configured.empty()) return true;
        return std::any_of(configured.begin(), configured.end(), [&](const std::string& c) {
            return c == t.full() || c == t.language();
        });
    };
    std::vector<std::string> tags;
    for (const auto& entry : fs::directory_iterator(o.dir, ec)) {
        const auto name = entry.path().filename().string();
        const auto t = parse_tag(name);
        if (!t.size || t.full() != name) continue;  // not a catalog directory (e.g. "de.UTF-8")
        if (!fs::is_regular_file(entry.path() / "LC_MESSAGES" / (o.domain + ".mo"), ec)) continue;
        if (served(t)) tags.push_back(name);
    }
    if (tags.empty()) return out;
    std::sort(tags.begin(), tags.end());
    auto has_catalog = [&](std::string_view locale) {
        const auto t = parse_tag(locale);
        return std::find(tags.begin(), tags.end(), t.full()) != tags.end() ||
               std::find(tags.begin(), tags.end(), t.language()) != tags.end();
    };
    for (const auto& l : o.locales)
        if (!has_catalog(l))
            throw ConfigError("[skill] locales: " + l + ": no catalog " + o.domain +
                              ".mo for it in " + o.dir);
    if (!has_catalog(impl.default_locale))
        throw ConfigError("[skill] locales: the default language '" + impl.default_locale +
                          "' has no catalog " + o.domain + ".mo in " + o.dir);

    impl.locales.clear();  // the catalogs', not the configured list
    for (const auto& tag : tags) {
        const auto file = fs::path(o.dir) / tag / "LC_MESSAGES" / (o.domain + ".mo");
        char magic[4] = {};
        std::ifstream in(file, std::ios::binary);
        in.read(magic, 4);
        const unsigned char le[4] = {0xde, 0x12, 0x04, 0x95}, be[4] = {0x95, 0x04, 0x12, 0xde};
        if (!in || (std::memcmp(magic, le, 4) != 0 && std::memcmp(magic, be, 4) != 0))
            throw ConfigError("[i18n] dir: " + file.string() +
                              ": not a compiled gettext catalog (.mo)");
        const auto t = parse_tag(tag);
        boost::locale::gnu_gettext::messages_info info;
        info.language = std::string(t.language());
        if (t.size > t.language_size)
            info.country = std::string(t.full().substr(t.language_size + 1));
        info.encoding = "UTF-8";
        info.paths = {o.dir};
        info.domains = {boost::locale::gnu_gettext::messages_info::domain(o.domain)};
        auto c = std::make_unique<Catalog>();
        c->tag = tag;
        try {
            auto* facet = boost::locale::gnu_gettext::create_messages_facet<char>(info);
            c->owner = std::locale(std::locale::classic(), facet);  // owns the facet
            c->facet = facet;
            c->domain = facet->domain(o.domain);
        } catch (const std::exception& e) {
            throw ConfigError("[i18n] dir: " + file.string() + ": " + e.what());
        }
        impl.catalogs.push_back(std::move(c));
        impl.locales.push_back(bcp47(tag));
    }
    auto catalog = [&](std::string_view tag) -> const Catalog* {
        for (const auto& c : impl.catalogs)
            if (c->tag == tag) return c.get();
        return nullptr;
    };
    const auto default_tag = parse_tag(impl.default_locale);
    const Catalog* default_catalog = catalog(default_tag.full());
    if (!default_catalog) default_catalog = catalog(default_tag.language());
    for (const auto& c : impl.catalogs) {
        auto chain = std::make_unique<Translator>();
        chain->owner = &impl;
        chain->tag = bcp47(c->tag);
        chain->chain.push_back(c.get());
        const auto t = parse_tag(c->tag);
        if (const auto* lang = catalog(t.language()); lang && lang != c.get())
            chain->chain.push_back(lang);
        if (std::find(chain->chain.begin(), chain->chain.end(), default_catalog) ==
            chain->chain.end())
            chain->chain.push_back(default_catalog);
        impl.chains.emplace_back(c->tag, std::move(chain));
    }
    impl.fallback = impl.find(default_catalog->tag);
    return out;
}

Translations::Resolved Translations::resolve(std::string_view locale) const noexcept {
    const auto& impl = *impl_;
    const auto t = parse_tag(locale);
    if (!impl.chains.empty() && t.size) {
        if (const auto* c = impl.find(t.full())) return {c, true};
        if (const auto* c = impl.find(t.language())) return {c, true};
    } else if (t.size) {
        for (const auto& c : impl.configured)
            if (c == t.full() || c == t.language()) return {nullptr, true};
    }
    const auto shown = locale.substr(0, 35);  // from the request: bounded in the log
    log_once(impl.unsupported_logged, shown, log::Level::warning,
             "locale not supported: answered in the default language",
             {{"locale", shown}, {"default", impl.default_locale}},
             "unsupported locales: further ones are not logged");
    return {impl.fallback, false};
}

std::string_view translator_locale(const Translator* t) noexcept {
    return t ? std::string_view(t->tag) : "";
}

namespace {

std::string finish(const Translator* t, std::string_view key, const char* text,
                   std::span<const MessageArg> args) {
    std::vector<std::string> unresolved;
    auto out = format_message(text, args, t ? &unresolved : nullptr);
    if (!unresolved.empty())
        t->owner->problem(
            "translation placeholder without an argument {" + unresolved.front() + "}", key,
            t->tag);
    return out;
}

}  // namespace

std::string translate(const Translator* t, std::string_view key, std::span<const MessageArg> args) {
    if (t) {
        const CKey k(key);
        for (const auto* c : t->chain)
            if (const char* text = c->facet->get(c->domain, nullptr, k.c_str()))
                return finish(t, key, text, args);
        t->owner->problem("translation missing", key, t->tag);
    }
    return format_message(key, args);
}

std::string translate_plural(const Translator* t, std::string_view key, std::string_view key_plural,
                             long long n, std::span<const MessageArg> args) {
    if (t) {
        const CKey k(key);
        const int count = plural_count(n);
        for (const auto* c : t->chain)
            if (const char* text = c->facet->get(c->domain, nullptr, k.c_str(), count))
                return finish(t, key, text, args);
        t->owner->problem("translation missing", key, t->tag);
    }
    return format_message(n == 1 ? key : key_plural, args);
}

}  // namespace skill
