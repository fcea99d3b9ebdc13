#pragma once
// Where the fields of one request and its answer live: a connection's arena.
// Beast allocates every header field on its own (one malloc and one free each:
// ~150 instructions, ten fields a request to the stub). The server gives each
// connection one FieldArena, and the parser and the answer allocate their fields
// from it with FieldAllocator; the server resets it before the next request, when
// both are gone. Internal: not part of the skill API.
#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>

namespace skill::net {

class FieldArena {
  public:
    FieldArena() = default;
    FieldArena(const FieldArena&) = delete;
    FieldArena& operator=(const FieldArena&) = delete;

    /// `bytes` at `align` (a power of two, at most alignof(max_align_t)), or null
    /// when the arena is full (the caller then takes them from the heap).
    void* allocate(std::size_t bytes, std::size_t align) noexcept {
        const std::size_t at = (used_ + align - 1) & ~(align - 1);
        if (at > capacity || bytes > capacity - at) return nullptr;
        used_ = at + bytes;
        return storage_ + at;
    }
    bool owns(const void* p) const noexcept {
        const auto* b = static_cast<const unsigned char*>(p);
        return !std::less<>()(b, storage_) && std::less<>()(b, storage_ + capacity);
    }
    /// Only once nothing allocated here is alive (the server: between requests).
    void reset() noexcept { used_ = 0; }

    /// Fits the fields of a request with a long bearer token and a few trace
    /// headers, and its answer's; a larger header spills over to the heap.
    static constexpr std::size_t capacity = 3072;

  private:
    alignas(std::max_align_t) unsigned char storage_[capacity];
    std::size_t used_ = 0;
};

/// Allocates from a FieldArena while it has room, else (and without one) from the
/// heap. A copy of a container made with it (a handler keeping a copy of a request)
/// allocates from the heap: only the connection's own objects use its arena.
template <class T>
class FieldAllocator {
  public:
    using value_type = T;
    using propagate_on_container_copy_assignment = std::false_type;
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;
    using is_always_equal = std::false_type;

    FieldAllocator() noexcept = default;
    explicit FieldAllocator(FieldArena* arena) noexcept : arena_(arena) {}
    template <class U>
    FieldAllocator(const FieldAllocator<U>& other) noexcept : arena_(other.arena()) {}

    T* allocate(std::size_t n) {
        if (arena_)
            if (void* p = arena_->allocate(n * sizeof(T), alignof(T))) return static_cast<T*>(p);
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        // Arena memory comes back all at once, with FieldArena::reset().
        if (arena_ && arena_->owns(p)) return;
        std::allocator<T>().deallocate(p, n);
    }
    FieldAllocator select_on_container_copy_construction() const noexcept { return {}; }

    FieldArena* arena() const noexcept { return arena_; }
    template <class U>
    bool operator==(const FieldAllocator<U>& other) const noexcept {
        return arena_ == other.arena();
    }

  private:
    FieldArena* arena_ = nullptr;
};

}  // namespace skill::net
