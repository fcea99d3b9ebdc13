#pragma once
// Typed client kit commands for Response::with_kit (result.data.use_kit, protocol.md §3):
//
//   co_return skill::tell("Here is
//   Bayern 3.").with_kit(skill::kit::audio_player::play_stream(url)); co_return
//   skill::tell("Louder.").with_kit(skill::kit::system::volume_to(7));
//
// Each returns the KitAction the device expects; bad arguments throw std::invalid_argument.
#include <optional>
#include <skill/response.hpp>
#include <string>

namespace skill::kit {

namespace audio_player {
enum class Content { radio, voicemail };  // what stop/pause/resume act on
/// Play the stream at `url` (http or https) after the answer is spoken.
KitAction play_stream(std::string url);
/// Play the stream before the answer is spoken.
KitAction play_stream_before_text(std::string url);
/// Stop `content`; `text` is said when nothing was playing.
KitAction stop(Content content = Content::radio, std::string text = {});
/// Pause `content`; `text` is said when nothing was playing.
KitAction pause(Content content = Content::radio, std::string text = {});
KitAction resume(Content content = Content::radio);
}  // namespace audio_player

namespace calendar {
/// Snooze the ringing calendar alarm, by `by` when given (whole seconds, > 0).
KitAction snooze_start(std::optional<std::chrono::seconds> by = std::nullopt);
KitAction snooze_cancel();
}  // namespace calendar

namespace system {
enum class Activity { timer, conversation, media };
/// Stop the foreground activity (of `activity` only, when given).
KitAction stop(std::optional<Activity> activity = std::nullopt);
KitAction pause();
KitAction resume();
KitAction next();
KitAction previous();
KitAction say_again();
KitAction volume_up();
KitAction volume_down();
/// Set the volume to `level`, 0..10.
KitAction volume_to(int level);
}  // namespace system

namespace timer {
/// Start the timer/reminder/alarm animation (it runs up to 10 minutes without interaction).
KitAction set_timer();
KitAction cancel_timer();
}  // namespace timer

}  // namespace skill::kit
