// skill::testing_main: Catch2's main(), compiled once (link it instead of defining
// CATCH_CONFIG_MAIN in a test file of your own).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
