// The main() of every skill executable: the skill itself is only handlers.
#include <skill/run.hpp>

int main(int argc, char** argv) { return skill::run(argc, argv); }
