#pragma once
// std::chrono's durations, time points and steady_clock: what the SDK's headers need, without
// GCC 12's whole <chrono> (its calendar, time zones and <sstream>, ~13k lines) in every
// handler's compile. Where the standard library has no such part, <chrono> itself.
// For dates and times of day, include <skill/time.hpp>.
#if defined(__GLIBCXX__) && __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif
