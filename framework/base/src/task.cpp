// Coroutine frames of skill::Task: a small per-thread cache by size class, so an
// invocation's frames (handler, service calls) are reused instead of malloc'd each time.
#include <skill/task.hpp>

#include <new>

namespace skill::detail {

namespace {

constexpr std::size_t granule = 128;  // size classes of 128 bytes ...
constexpr std::size_t classes = 32;   // ... up to 4 KiB; larger frames go to the heap
constexpr std::size_t kept = 16;      // blocks kept per class and thread

thread_local bool cache_gone = false;  // trivially destructible: valid after the cache

struct FrameCache {
    void* blocks[classes][kept] = {};
    std::size_t count[classes] = {};
    ~FrameCache() {
        for (std::size_t c = 0; c < classes; ++c)
            for (std::size_t i = 0; i < count[c]; ++i) ::operator delete(blocks[c][i]);
        cache_gone = true;  // frames freed later on this thread (at exit) go to the heap
    }
};

thread_local FrameCache cache;

std::size_t size_class(std::size_t size) noexcept { return (size + granule - 1) / granule; }

}  // namespace

void* allocate_frame(std::size_t size) {
    const std::size_t c = size_class(size);
    if (c == 0 || c > classes) return ::operator new(size);
    if (std::size_t& n = cache.count[c - 1]; n > 0) return cache.blocks[c - 1][--n];
    return ::operator new(c * granule);
}

void free_frame(void* frame, std::size_t size) noexcept {
    const std::size_t c = size_class(size);
    if (c == 0 || c > classes || cache_gone) return ::operator delete(frame);
    if (std::size_t& n = cache.count[c - 1]; n < kept) {
        cache.blocks[c - 1][n++] = frame;
        return;
    }
    ::operator delete(frame);
}

}  // namespace skill::detail
