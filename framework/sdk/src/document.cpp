// Document: safe traversal of a shared, immutable JSON tree. Every accessor
// checks the node's kind first, so no path through the tree can throw.
//
// The tree is one heap block: an atomic reference count and the root value. A Document
// holds a reference and a pointer to its node inside the tree; the header knows neither
// Boost.JSON nor <atomic>, so including skill/document.hpp stays cheap.
#include <skill/document.hpp>
#include <skill/json.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <atomic>
#include <limits>
#include <utility>

namespace skill {

namespace json = boost::json;

struct Document::Tree {
    explicit Tree(json::value v) : root(std::move(v)) {}
    std::atomic<std::size_t> refs{1};
    json::value root;
};

// The only place that turns the header's opaque pointers into Boost.JSON ones.
struct DocumentAccess {
    static const json::value* node(const Document& d) noexcept {
        return reinterpret_cast<const json::value*>(d.node_);
    }
    static Document child(const Document& parent, const json::value& node) noexcept {
        Document::retain(parent.tree_);
        return Document(parent.tree_, reinterpret_cast<const Document::Node*>(&node));
    }
    static Document make(json::value value) {
        auto* tree = new Document::Tree(std::move(value));
        return Document(tree, reinterpret_cast<const Document::Node*>(&tree->root));
    }
    // The node, to be modified: only when no other handle shares the tree.
    static json::value* unique_node(Document& d) noexcept {
        if (d.tree_ == nullptr || d.tree_->refs.load(std::memory_order_acquire) != 1) return nullptr;
        return const_cast<json::value*>(node(d));
    }
    // The node moved out when `d` is its tree's only handle, else copied.
    static json::value take(Document&& d) {
        if (auto* v = unique_node(d)) return std::move(*v);
        const auto* v = node(d);
        return v != nullptr ? *v : json::value();
    }
};

namespace {

using Access = DocumentAccess;

const json::value* node_of(const Document& d) noexcept { return Access::node(d); }

// A list of [string, value] pairs is an object: Boost.JSON's rule for initializer lists.
bool is_object_list(std::initializer_list<Document> items) {
    for (const auto& item : items) {
        const auto* v = node_of(item);
        if (v == nullptr || !v->is_array()) return false;
        const auto& pair = v->get_array();
        if (pair.size() != 2 || !pair[0].is_string()) return false;
    }
    return true;
}

// A missing element in a list or member has no JSON spelling: it becomes null, as
// to_json_text() writes it.
json::value copy_of(const Document& d) {
    const auto* v = node_of(d);
    return v != nullptr ? *v : json::value();
}

}  // namespace

void Document::retain(Tree* tree) noexcept { tree->refs.fetch_add(1, std::memory_order_relaxed); }

void Document::release(Tree* tree) noexcept {
    if (tree->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete tree;
}

Document::Document(std::nullptr_t) : Document(Access::make(json::value())) {}
Document::Document(bool value) : Document(Access::make(json::value(value))) {}
Document::Document(double value) : Document(Access::make(json::value(value))) {}
Document::Document(const char* text) : Document(std::string_view(text)) {}
Document::Document(std::string_view text) : Document(Access::make(json::value(json::string(text)))) {}
Document::Document(const std::string& text) : Document(std::string_view(text)) {}

Document::Document(std::initializer_list<Document> items) {
    if (items.size() > 0 && is_object_list(items)) {
        json::object object;
        object.reserve(items.size());
        for (const auto& item : items) {
            const auto& pair = node_of(item)->get_array();
            object.insert_or_assign(pair[0].get_string(), pair[1]);  // the last one wins
        }
        *this = Access::make(std::move(object));
        return;
    }
    json::array array;
    array.reserve(items.size());
    for (const auto& item : items) array.push_back(copy_of(item));
    *this = Access::make(std::move(array));
}

Document Document::object() { return Access::make(json::object()); }
Document Document::array() { return Access::make(json::array()); }
Document Document::from_int(std::int64_t value) { return Access::make(json::value(value)); }
Document Document::from_uint(std::uint64_t value) { return Access::make(json::value(value)); }

Document Document::with(std::string_view key, Document value) const& {
    json::object object;
    if (is_object()) object = node_of(*this)->get_object();
    object.insert_or_assign(key, Access::take(std::move(value)));
    return Access::make(std::move(object));
}

Document Document::with(std::string_view key, Document value) && {
    auto* node = Access::unique_node(*this);
    if (node == nullptr) return static_cast<const Document&>(*this).with(key, std::move(value));
    if (!node->is_object()) *node = json::object();
    node->get_object().insert_or_assign(key, Access::take(std::move(value)));
    return std::move(*this);
}

std::string Document::to_json_text() const {
    const auto* v = node_of(*this);
    return v != nullptr ? json::serialize(*v) : std::string("null");
}

Document Document::operator[](std::string_view key) const {
    if (!is_object()) return {};
    const auto& object = node_of(*this)->get_object();
    auto it = object.find(key);
    if (it == object.end()) return {};
    // The child shares ownership of the whole tree, so it outlives this Document.
    return Access::child(*this, it->value());
}

Document Document::operator[](std::size_t index) const {
    if (!is_array()) return {};
    const auto& array = node_of(*this)->get_array();
    if (index >= array.size()) return {};
    return Access::child(*this, array[index]);
}

bool Document::exists() const noexcept {
    return node_ != nullptr;
}

Document::operator bool() const noexcept {
    return node_ != nullptr && !node_of(*this)->is_null();
}

bool Document::is_object() const noexcept {
    return node_ != nullptr && node_of(*this)->is_object();
}

bool Document::is_array() const noexcept {
    return node_ != nullptr && node_of(*this)->is_array();
}

bool Document::empty() const noexcept {
    const auto* v = node_of(*this);
    if (v == nullptr || v->is_null()) return true;
    if (v->is_string()) return v->get_string().empty();
    if (v->is_array()) return v->get_array().empty();
    if (v->is_object()) return v->get_object().empty();
    return false;  // numbers and bools carry a value, even 0 and false
}

std::size_t Document::size() const noexcept {
    if (is_array()) return node_of(*this)->get_array().size();
    if (is_object()) return node_of(*this)->get_object().size();
    return 0;
}

std::vector<std::string> Document::keys() const {
    std::vector<std::string> result;
    if (!is_object()) return result;
    const auto& object = node_of(*this)->get_object();
    result.reserve(object.size());
    for (const auto& member : object) result.emplace_back(member.key());
    return result;
}

std::optional<std::string> Document::as_string() const {
    const auto* v = node_of(*this);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

// Only integral JSON numbers: a double such as 3.0 is not an int here, because
// silently truncating 3.7 would be worse than asking for as_double().
std::optional<std::int64_t> Document::as_int() const {
    const auto* v = node_of(*this);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) {
        auto u = v->get_uint64();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(u);
    }
    return std::nullopt;
}

std::optional<double> Document::as_double() const {
    const auto* v = node_of(*this);
    if (v == nullptr) return std::nullopt;
    if (v->is_double()) return v->get_double();
    if (v->is_int64()) return static_cast<double>(v->get_int64());
    if (v->is_uint64()) return static_cast<double>(v->get_uint64());
    return std::nullopt;
}

std::optional<bool> Document::as_bool() const {
    const auto* v = node_of(*this);
    if (v == nullptr || !v->is_bool()) return std::nullopt;
    return v->get_bool();
}

// --- skill/json.hpp ------------------------------------------------------------

Document to_document(json::value value) {
    // The tree outlives the caller's memory resource: a value in a resource that is not
    // reference-counted (a stack arena, a monotonic buffer) is copied to default storage.
    if (!value.storage().is_shared() && value.storage() != json::storage_ptr())
        return Access::make(json::value(value, json::storage_ptr()));
    return Access::make(std::move(value));
}

const json::value& json_of(const Document& document) noexcept {
    // The value json_of hands out for a missing node; never modified.
    static const json::value null;
    const auto* v = node_of(document);
    return v != nullptr ? *v : null;
}

json::object object_of(const Document& document) {
    if (!document.is_object()) return {};
    return node_of(document)->get_object();
}

}  // namespace skill
