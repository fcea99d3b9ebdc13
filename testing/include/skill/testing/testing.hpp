#pragma once
// The test kit in one include (Catch2 matchers: <skill/testing/catch.hpp>).
#include <skill/testing/dialogue.hpp>
#include <skill/testing/fake_partner.hpp>
#include <skill/testing/fake_persistence.hpp>
#include <skill/testing/invocation_builder.hpp>
#include <skill/testing/persistence_stub.hpp>
#include <skill/testing/reply.hpp>
#include <skill/testing/skill_runner.hpp>
#include <skill/testing/translations.hpp>
