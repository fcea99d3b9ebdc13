#pragma once
// Parses a Prometheus text exposition (format 0.0.4) strictly, for tests:
// every line is a HELP, a TYPE or a sample of a family declared before it;
// histograms are checked for cumulative buckets ending in +Inf == _count.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace skill::test {

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

/// Label values as the format escapes them, unescaped again.
inline std::string unescape(const std::string& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
            char c = v[++i];
            out += c == 'n' ? '\n' : c;
        } else {
            out += v[i];
        }
    }
    return out;
}

/// Parses an exposition strictly: every line is a HELP, a TYPE or a sample of a
/// family whose TYPE came first; anything else fails the test.
struct Exposition {
    std::map<std::string, std::string> types;  // family -> type
    std::vector<Sample> samples;

    explicit Exposition(const std::string& text) {
        static const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
        static const std::regex type(
            R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
        static const std::regex sample(
            R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+]?(?:[0-9.eE+-]+|Inf|NaN))$)");
        static const std::regex label(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$))re");
        REQUIRE(!text.empty());
        REQUIRE(text.back() == '\n');
        std::istringstream in(text);
        std::string line;
        std::smatch m;
        while (std::getline(in, line)) {
            INFO("line: " << line);
            if (std::regex_match(line, m, help)) continue;
            if (std::regex_match(line, m, type)) {
                REQUIRE(types.emplace(m[1], m[2]).second);  // one TYPE per family
                continue;
            }
            REQUIRE(std::regex_match(line, m, sample));
            Sample s{m[1], {}, 0};
            REQUIRE(!family_of(s.name).empty());  // its TYPE came before it
            std::string labels = m[3];
            for (std::sregex_iterator it(labels.begin(), labels.end(), label), end; it != end; ++it)
                REQUIRE(s.labels.emplace((*it)[1], unescape((*it)[2])).second);
            std::string v = m[4];
            s.value = v == "+Inf" ? INFINITY : std::stod(v);
            samples.push_back(std::move(s));
        }
    }

    /// The declared family a sample name belongs to ("" when none).
    std::string family_of(const std::string& name) const {
        if (types.count(name)) return name;
        for (std::string suffix : {"_bucket", "_sum", "_count"}) {
            if (name.size() > suffix.size() && name.ends_with(suffix)) {
                auto base = name.substr(0, name.size() - suffix.size());
                if (types.count(base) && types.at(base) == "histogram") return base;
            }
        }
        return {};
    }

    std::vector<Sample> find(const std::string& name,
                             const std::map<std::string, std::string>& with = {}) const {
        std::vector<Sample> out;
        for (auto& s : samples) {
            if (s.name != name) continue;
            bool match = true;
            for (auto& [k, v] : with) match = match && s.labels.count(k) && s.labels.at(k) == v;
            if (match) out.push_back(s);
        }
        return out;
    }

    double value(const std::string& name,
                 const std::map<std::string, std::string>& with = {}) const {
        auto found = find(name, with);
        REQUIRE(found.size() == 1);
        return found.front().value;
    }

    /// Every histogram series: buckets ascending in `le`, cumulative, ending in
    /// +Inf, and +Inf equal to _count.
    void check_histograms() const {
        for (auto& [family, type] : types) {
            if (type != "histogram") continue;
            std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>>
                series;
            for (auto& s : find(family + "_bucket")) {
                auto labels = s.labels;
                REQUIRE(labels.count("le"));
                std::string le = labels["le"];
                labels.erase("le");
                series[labels].emplace_back(le == "+Inf" ? INFINITY : std::stod(le), s.value);
            }
            for (auto& [labels, buckets] : series) {
                REQUIRE(buckets.back().first == INFINITY);
                for (std::size_t i = 1; i < buckets.size(); ++i) {
                    CHECK(buckets[i].first > buckets[i - 1].first);
                    CHECK(buckets[i].second >= buckets[i - 1].second);
                }
                CHECK(buckets.back().second == value(family + "_count", labels));
                CHECK(find(family + "_sum", labels).size() == 1);
            }
        }
    }
};

}  // namespace skill::test
