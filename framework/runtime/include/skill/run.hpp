#pragma once
// The runtime's entry point. A skill normally links skill::main and writes no
// main() at all; call this from your own main() if you need one.
namespace skill {

/// Parse the command line (--config PATH, --list-intents, --help), load
/// skill.conf, serve until SIGTERM/SIGINT, drain, and return the exit code.
int run(int argc, char** argv);

}  // namespace skill
