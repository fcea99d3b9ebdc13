// A .po reader as small as the check needs: msgid, msgid_plural, msgstr, msgstr[i], string
// continuation lines, the fuzzy flag and the header's Plural-Forms. msgctxt is not used by
// the SDK's calls and is read as part of no key.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <skill/message.hpp>
#include <skill/testing/translations.hpp>
#include <sstream>
#include <vector>

namespace skill::testing {

namespace {

struct Entry {
    std::string key, plural;
    std::vector<std::string> forms;
    bool fuzzy = false;
    bool has_context = false;
};

struct Catalog {
    std::map<std::string, Entry> entries;
    int nplurals = 0;
};

std::string unquote(std::string_view s) {
    const auto open = s.find('"'), close = s.rfind('"');
    if (open == std::string_view::npos || close <= open) return {};
    std::string out;
    for (std::size_t i = open + 1; i < close; ++i) {
        if (s[i] != '\\' || i + 1 >= close) {
            out.push_back(s[i]);
            continue;
        }
        const char c = s[++i];
        out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    }
    return out;
}

Catalog read_po(const std::filesystem::path& path, std::string& problems) {
    Catalog cat;
    std::ifstream in(path);
    if (!in) {
        problems += path.filename().string() + ": cannot read\n";
        return cat;
    }
    std::vector<Entry> entries;
    Entry cur;
    bool pending_fuzzy = false, in_entry = false;
    std::string* target = nullptr;
    auto flush = [&] {
        if (in_entry) entries.push_back(std::move(cur));
        cur = Entry{};
        in_entry = false;
        target = nullptr;
    };
    std::string line;
    while (std::getline(in, line)) {
        std::string_view l = line;
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (l.empty()) continue;
        if (l.starts_with("#,")) {
            if (l.find("fuzzy") != std::string_view::npos) pending_fuzzy = true;
            continue;
        }
        if (l.front() == '#') continue;
        if (l.starts_with("msgctxt")) {
            flush();
            in_entry = true;
            cur.has_context = true;
            cur.fuzzy = pending_fuzzy;
            pending_fuzzy = false;
            target = nullptr;
        } else if (l.starts_with("msgid_plural")) {
            target = &cur.plural;
            *target = unquote(l);
        } else if (l.starts_with("msgid")) {
            if (!cur.has_context || !cur.key.empty() || !cur.forms.empty()) {
                flush();
                cur.fuzzy = pending_fuzzy;
                pending_fuzzy = false;
            }
            in_entry = true;
            target = &cur.key;
            *target = unquote(l);
        } else if (l.starts_with("msgstr")) {
            cur.forms.push_back(unquote(l));
            target = &cur.forms.back();
        } else if (l.front() == '"' && target) {
            *target += unquote(l);
        }
    }
    flush();
    for (auto& e : entries) {
        if (e.key.empty()) {  // the header
            const auto header = e.forms.empty() ? std::string() : e.forms.front();
            const auto at = header.find("nplurals=");
            if (at != std::string::npos) cat.nplurals = std::atoi(header.c_str() + at + 9);
            continue;
        }
        if (e.has_context) continue;
        cat.entries[e.key] = std::move(e);
    }
    return cat;
}

std::set<std::string> placeholders(const Entry& e) {
    std::set<std::string> all;
    for (const auto& f : e.forms)
        for (auto& p : message_placeholders(f)) all.insert(std::move(p));
    return all;
}

std::string show(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "{" : ", {") + n + "}";
    return out.empty() ? "none" : out;
}

}  // namespace

std::string translation_problems(const std::string& pot_file, const std::string& po_dir,
                                 const std::string& default_language) {
    namespace fs = std::filesystem;
    std::string problems;
    const auto pot = read_po(pot_file, problems);
    std::map<std::string, Catalog> catalogs;  // by language, from the file name
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(po_dir, ec))
        if (entry.path().extension() == ".po")
            catalogs[entry.path().stem().string()] = read_po(entry.path(), problems);
    if (ec) return problems + po_dir + ": cannot read the directory\n";
    if (catalogs.empty()) return problems + po_dir + ": no .po files\n";
    const auto reference = catalogs.find(default_language);
    if (reference == catalogs.end())
        problems += default_language + ".po: missing (the default language)\n";

    for (const auto& [lang, cat] : catalogs) {
        const std::string file = lang + ".po: ";
        for (const auto& [key, used] : pot.entries) {
            const auto it = cat.entries.find(key);
            if (it == cat.entries.end()) {
                problems += file + key + ": missing\n";
                continue;
            }
            const Entry& e = it->second;
            if (e.fuzzy) problems += file + key + ": marked fuzzy (msgfmt leaves it out)\n";
            if (std::any_of(e.forms.begin(), e.forms.end(), [](auto& f) { return f.empty(); }))
                problems += file + key + ": not translated\n";
            if (!used.plural.empty()) {
                if (e.plural.empty())
                    problems +=
                        file + key +
                        ": the code asks for plural forms (tr_n), the catalog has one text\n";
                else if (cat.nplurals && static_cast<int>(e.forms.size()) != cat.nplurals)
                    problems += file + key + ": " + std::to_string(e.forms.size()) +
                                " plural forms, Plural-Forms says " + std::to_string(cat.nplurals) +
                                "\n";
            } else if (!e.plural.empty()) {
                problems += file + key + ": a plural entry, but the code calls tr(), not tr_n()\n";
            }
            if (reference == catalogs.end() || lang == default_language) continue;
            const auto ref = reference->second.entries.find(key);
            if (ref == reference->second.entries.end()) continue;
            const auto mine = placeholders(e), theirs = placeholders(ref->second);
            if (mine != theirs)
                problems += file + key + ": placeholders " + show(mine) + ", " + default_language +
                            ".po has " + show(theirs) + "\n";
        }
        for (const auto& [key, e] : cat.entries)
            if (!pot.entries.count(key)) problems += file + key + ": not used in the code\n";
    }
    return problems;
}

}  // namespace skill::testing
