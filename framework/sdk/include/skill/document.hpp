#pragma once
// Document: a JSON value that is safe to traverse at any depth (the original SDK's Hasher,
// fixed), and the JSON a handler sends. A missing key, a wrong type or an index out of
// range yields an empty ("missing") Document, never an exception:
//
//   auto data = co_await ctx.persistence().get();
//   if (auto name = data["profile"]["name"].as_string()) ...
//   int visits = data["stats"]["visits"].value_or(0);
//
// Built like a Boost.JSON value: a braced list whose every element is a two-element list
// with a string first is an object, any other list an array.
//
//   skill::Document user{{"name", "Anna"}, {"visits", 3}, {"tags", {"a", "b"}}};
//   auto more = data.with("visits", visits + 1);   // a copy with one member set
//
// Beware list-initialisation: `Document{other}` is a one-element array holding `other` (an
// object, if `other` is a two-element array with a string first), not a copy. Copy with
// `Document copy = other;` or `Document copy(other);`.
//
// A Document is immutable: copies are cheap (they share the tree, with an atomic reference
// count) and may be made and read on any thread. Boost.JSON interop: skill/json.hpp.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace skill {

class Document {
public:
    /// Missing: no value at all (`to_json_text()` writes it as null).
    Document() noexcept = default;
    /// JSON null (present, unlike a missing Document).
    Document(std::nullptr_t);
    Document(bool value);
    template <class Integer>
        requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>)
    Document(Integer value) {
        if constexpr (std::is_signed_v<Integer>) *this = from_int(value);
        else *this = from_uint(value);
    }
    Document(double value);
    Document(const char* text);
    Document(std::string_view text);
    Document(const std::string& text);
    /// A list of pairs with a string first is an object, else an array (see above).
    Document(std::initializer_list<Document> items);
    /// Not a string and not a bool: a pointer here is a mistake.
    Document(const void*) = delete;

    /// An empty object `{}` / an empty array `[]`.
    static Document object();
    static Document array();

    Document(const Document& other) noexcept : tree_(other.tree_), node_(other.node_) {
        if (tree_ != nullptr) retain(tree_);
    }
    Document(Document&& other) noexcept : tree_(other.tree_), node_(other.node_) {
        other.tree_ = nullptr;
        other.node_ = nullptr;
    }
    Document& operator=(const Document& other) noexcept {
        Document copy(other);
        swap(copy);
        return *this;
    }
    Document& operator=(Document&& other) noexcept {
        Document moved(static_cast<Document&&>(other));
        swap(moved);
        return *this;
    }
    ~Document() {
        if (tree_ != nullptr) release(tree_);
    }
    void swap(Document& other) noexcept {
        auto* tree = tree_;
        tree_ = other.tree_;
        other.tree_ = tree;
        auto* node = node_;
        node_ = other.node_;
        other.node_ = node;
    }

    Document operator[](std::string_view key) const;  // object member, else empty
    Document operator[](std::size_t index) const;     // array element, else empty
    Document operator[](int index) const { return (*this)[static_cast<std::size_t>(index < 0 ? -1 : index)]; }
    Document operator[](const char* key) const { return (*this)[std::string_view(key)]; }

    bool exists() const noexcept;  // the node is present (may be JSON null)
    /// present and not JSON null
    explicit operator bool() const noexcept;
    bool is_object() const noexcept;
    bool is_array() const noexcept;
    /// missing, null, "" , [] or {}
    bool empty() const noexcept;
    /// members of an object / elements of an array, else 0
    std::size_t size() const noexcept;
    /// keys of an object in document order, else none
    std::vector<std::string> keys() const;

    std::optional<std::string> as_string() const;   // only a JSON string
    std::optional<std::int64_t> as_int() const;     // an integral JSON number that fits
    std::optional<double> as_double() const;        // any JSON number
    std::optional<bool> as_bool() const;            // only a JSON bool

    /// The typed value, or `fallback` when missing or of another type.
    template <class T>
    T value_or(T fallback) const {
        if constexpr (std::is_same_v<T, bool>) return as_bool().value_or(fallback);
        else if constexpr (std::is_integral_v<T>) {
            auto v = as_int();
            return v ? static_cast<T>(*v) : fallback;
        } else if constexpr (std::is_floating_point_v<T>) {
            auto v = as_double();
            return v ? static_cast<T>(*v) : fallback;
        } else {
            return as_string().value_or(std::string(fallback));
        }
    }
    std::string value_or(const char* fallback) const { return value_or(std::string(fallback)); }

    /// A copy with member `key` set to `value` (added, or replaced in place); a Document
    /// that is not an object (missing included) becomes an object holding only that member.
    /// The copy costs the size of this node; on an rvalue no other handle shares, it is
    /// set in place, so `Document::object().with("a", 1).with("b", 2)` copies nothing.
    Document with(std::string_view key, Document value) const&;
    Document with(std::string_view key, Document value) &&;

    /// The node as compact JSON text ("null" when missing), as Boost.JSON serialises it.
    std::string to_json_text() const;

private:
    friend struct DocumentAccess;  // skill/json.hpp, in document.cpp
    struct Tree;                   // the shared, reference-counted root (document.cpp)
    struct Node;                   // never defined: stands for a node of the tree

    Document(Tree* tree, const Node* node) noexcept : tree_(tree), node_(node) {}  // adopts
    static Document from_int(std::int64_t value);
    static Document from_uint(std::uint64_t value);
    static void retain(Tree* tree) noexcept;
    static void release(Tree* tree) noexcept;

    Tree* tree_ = nullptr;
    const Node* node_ = nullptr;
};

}  // namespace skill
