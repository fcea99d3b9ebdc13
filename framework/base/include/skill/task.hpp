#pragma once
// The coroutine type of every handler and service call.
//
// Only the light awaitable header is included here: skill code never sees the
// rest of Asio or Beast, which are compiled once inside the framework.
#include <boost/asio/awaitable.hpp>

namespace skill {

template <class T = void>
using Task = boost::asio::awaitable<T>;

}  // namespace skill
