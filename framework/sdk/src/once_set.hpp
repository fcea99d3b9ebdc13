#pragma once
// "Log this once": remembers up to 64 strings (by a 64-bit hash) without a lock, so the
// check on a repeated event (an unsupported locale on every invocation) costs a few atomic
// loads. Past 64 distinct strings it answers `full`: a flood of made-up locales cannot grow
// memory or the log.
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace skill::detail {

class OnceSet {
  public:
    enum class Seen { first, again, full };

    Seen insert(std::string_view s) noexcept {
        const std::uint64_t h = hash(s);
        for (auto& slot : slots_) {
            std::uint64_t v = slot.load(std::memory_order_acquire);
            if (v == h) return Seen::again;
            if (v == 0) {
                if (slot.compare_exchange_strong(v, h, std::memory_order_acq_rel))
                    return Seen::first;
                if (v == h) return Seen::again;
            }
        }
        return full_.exchange(true) ? Seen::again : Seen::full;
    }

  private:
    static std::uint64_t hash(std::string_view s) noexcept {  // FNV-1a; 0 means "empty slot"
        std::uint64_t h = 1469598103934665603ull;
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        return h == 0 ? 1 : h;
    }
    std::array<std::atomic<std::uint64_t>, 64> slots_{};
    std::atomic<bool> full_{false};
};

}  // namespace skill::detail
