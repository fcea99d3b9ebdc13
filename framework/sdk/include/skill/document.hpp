#pragma once
// Document: a read-only JSON document that is safe to traverse at any depth
// (the original SDK's Hasher, fixed). A missing key, a wrong type or an index
// out of range yields an empty Document, never an exception:
//
//   auto data = co_await ctx.persistence().get();
//   if (auto name = data["profile"]["name"].as_string()) ...
//   int visits = data["stats"]["visits"].value_or(0);
//
// Copies are cheap: they share the parsed tree.
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace skill {

class Document {
public:
    Document();  // empty (missing)
    explicit Document(boost::json::value value);

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

    /// The JSON node (a null value when missing).
    const boost::json::value& json() const noexcept;
    /// The node as an object (an empty object when it is not one); handy to modify and set().
    boost::json::object object() const;

private:
    Document(std::shared_ptr<const boost::json::value> root, const boost::json::value* node);
    std::shared_ptr<const boost::json::value> root_;
    const boost::json::value* node_ = nullptr;
};

}  // namespace skill
