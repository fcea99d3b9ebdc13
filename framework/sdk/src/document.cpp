// Document: safe traversal of a shared, immutable JSON tree. Every accessor
// checks the node's kind first, so no path through the tree can throw.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <limits>
#include <skill/document.hpp>

namespace skill {

namespace {

// The value json() hands out for a missing node; never modified.
const boost::json::value& null_value() {
    static const boost::json::value null;
    return null;
}

}  // namespace

Document::Document() = default;

Document::Document(boost::json::value value)
    : root_(std::make_shared<const boost::json::value>(std::move(value))), node_(root_.get()) {}

Document::Document(std::shared_ptr<const boost::json::value> root, const boost::json::value* node)
    : root_(std::move(root)), node_(node) {}

Document Document::operator[](std::string_view key) const {
    if (node_ == nullptr || !node_->is_object()) return {};
    const auto& object = node_->get_object();
    auto it = object.find(key);
    if (it == object.end()) return {};
    // The child shares ownership of the whole tree, so it outlives this Document.
    return Document(root_, &it->value());
}

Document Document::operator[](std::size_t index) const {
    if (node_ == nullptr || !node_->is_array()) return {};
    const auto& array = node_->get_array();
    if (index >= array.size()) return {};
    return Document(root_, &array[index]);
}

bool Document::exists() const noexcept {
    return node_ != nullptr;
}

Document::operator bool() const noexcept {
    return node_ != nullptr && !node_->is_null();
}

bool Document::is_object() const noexcept {
    return node_ != nullptr && node_->is_object();
}

bool Document::is_array() const noexcept {
    return node_ != nullptr && node_->is_array();
}

bool Document::empty() const noexcept {
    if (node_ == nullptr || node_->is_null()) return true;
    if (node_->is_string()) return node_->get_string().empty();
    if (node_->is_array()) return node_->get_array().empty();
    if (node_->is_object()) return node_->get_object().empty();
    return false;  // numbers and bools carry a value, even 0 and false
}

std::size_t Document::size() const noexcept {
    if (is_array()) return node_->get_array().size();
    if (is_object()) return node_->get_object().size();
    return 0;
}

std::vector<std::string> Document::keys() const {
    std::vector<std::string> result;
    if (!is_object()) return result;
    result.reserve(node_->get_object().size());
    for (const auto& member : node_->get_object()) result.emplace_back(member.key());
    return result;
}

std::optional<std::string> Document::as_string() const {
    if (node_ == nullptr || !node_->is_string()) return std::nullopt;
    return std::string(node_->get_string());
}

// Only integral JSON numbers: a double such as 3.0 is not an int here, because
// silently truncating 3.7 would be worse than asking for as_double().
std::optional<std::int64_t> Document::as_int() const {
    if (node_ == nullptr) return std::nullopt;
    if (node_->is_int64()) return node_->get_int64();
    if (node_->is_uint64()) {
        auto v = node_->get_uint64();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(v);
    }
    return std::nullopt;
}

std::optional<double> Document::as_double() const {
    if (node_ == nullptr) return std::nullopt;
    if (node_->is_double()) return node_->get_double();
    if (node_->is_int64()) return static_cast<double>(node_->get_int64());
    if (node_->is_uint64()) return static_cast<double>(node_->get_uint64());
    return std::nullopt;
}

std::optional<bool> Document::as_bool() const {
    if (node_ == nullptr || !node_->is_bool()) return std::nullopt;
    return node_->get_bool();
}

const boost::json::value& Document::json() const noexcept {
    return node_ != nullptr ? *node_ : null_value();
}

boost::json::object Document::object() const {
    if (!is_object()) return {};
    return node_->get_object();
}

}  // namespace skill
