#include <skill/context.hpp>
#include <skill/environment.hpp>
#include <skill/persistence.hpp>
#include <skill/translations.hpp>

namespace skill {

Context::Context(Invocation invocation, PersistenceSession* persistence, std::string trace_id,
                 PartnerSession* partners, const HandlerEnvironment* environment)
    : invocation_(std::move(invocation)),
      persistence_(persistence),
      trace_id_(std::move(trace_id)),
      partners_(partners),
      environment_(environment) {
    if (invocation_.session) session_attributes_ = invocation_.session->attributes;
}

std::optional<std::string_view> Context::token(std::string_view name) const {
    auto it = invocation_.tokens.find(std::string(name));
    if (it == invocation_.tokens.end()) return std::nullopt;
    return std::string_view(it->second);
}

const std::vector<std::string>* Context::slot_texts(std::string_view name) const {
    auto it = invocation_.attributes.find(std::string(name));
    return it == invocation_.attributes.end() ? nullptr : &it->second;
}

const std::vector<SlotValue>& Context::raw_slot(std::string_view name) const {
    static const std::vector<SlotValue> none;
    auto it = invocation_.attributes_v2.find(std::string(name));
    return it == invocation_.attributes_v2.end() ? none : it->second;
}

const std::vector<Document>& Context::configuration(std::string_view key) const {
    static const std::vector<Document> none;
    auto it = invocation_.configuration.find(std::string(key));
    return it == invocation_.configuration.end() ? none : it->second;
}

PersistenceSession& Context::persistence() const {
    if (!persistence_)
        throw PersistenceError(PersistenceErrc::unavailable, "persistence is not configured");
    return *persistence_;
}

Partner Context::partner(std::string_view name) const {
    if (!partners_)
        throw PartnerError(
            PartnerErrc::unknown_partner, std::string(name),
            "partner " + std::string(name) + " is not declared (no partners configured)");
    return partners_->partner(name);
}

const Config& Context::config() const noexcept {
    static const Config none;
    return environment_ ? environment_->config : none;
}

std::string Context::translate(std::string_view key, std::span<const MessageArg> args) const {
    return skill::translate(translator_, key, args);
}

std::string Context::translate_n(std::string_view key, std::string_view key_plural, long long n,
                                 std::span<const MessageArg> args) const {
    return translate_plural(translator_, key, key_plural, n, args);
}

}  // namespace skill
