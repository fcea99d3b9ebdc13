#pragma once
// skill::Function<R(Args...)>: an owning, copyable callable, for the few callbacks in the
// public headers (Config's getenv, the sessions' trace headers). std::function would do, but
// <functional> costs every file including skill/skill.hpp about 14k preprocessed lines.
//
// Holds anything callable as f(args...) whose result converts to R; an empty Function (also
// one made from an empty std::function or a null function pointer) is false.
#include <cstddef>
#include <type_traits>

namespace skill {

template <class Signature>
class Function;

template <class R, class... Args>
class Function<R(Args...)> {
public:
    Function() noexcept = default;
    Function(std::nullptr_t) noexcept {}
    template <class F>
        requires(!std::is_same_v<std::decay_t<F>, Function> &&
                 !std::is_member_pointer_v<std::decay_t<F>> &&
                 std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
    Function(F&& f) {
        using Target = std::decay_t<F>;  // a function becomes a function pointer
        if constexpr (!std::is_function_v<std::remove_reference_t<F>> &&
                      std::is_constructible_v<bool, const Target&>) {
            if (!static_cast<bool>(f)) return;  // an empty std::function, a null pointer
        }
        callable_ = new Model<Target>(static_cast<F&&>(f));
    }
    Function(const Function& other) : callable_(other.callable_ ? other.callable_->clone() : nullptr) {}
    Function(Function&& other) noexcept : callable_(other.callable_) { other.callable_ = nullptr; }
    Function& operator=(Function other) noexcept {
        auto* mine = callable_;
        callable_ = other.callable_;
        other.callable_ = mine;
        return *this;
    }
    ~Function() { delete callable_; }

    explicit operator bool() const noexcept { return callable_ != nullptr; }
    /// Calling an empty Function is a bug: it dereferences null.
    R operator()(Args... args) const { return callable_->call(static_cast<Args&&>(args)...); }

private:
    struct Callable {
        virtual ~Callable() = default;
        virtual R call(Args&&... args) = 0;
        virtual Callable* clone() const = 0;
    };
    template <class F>
    struct Model final : Callable {
        template <class G>
        explicit Model(G&& g) : f(static_cast<G&&>(g)) {}
        R call(Args&&... args) override { return f(static_cast<Args&&>(args)...); }
        Callable* clone() const override { return new Model(f); }
        F f;
    };
    Callable* callable_ = nullptr;
};

}  // namespace skill
