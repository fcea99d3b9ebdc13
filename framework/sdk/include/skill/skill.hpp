#pragma once
// The one header a skill includes.
#include <skill/card_action.hpp>
#include <skill/config.hpp>
#include <skill/context.hpp>
#include <skill/errors.hpp>
#include <skill/hooks.hpp>
#include <skill/intent.hpp>
#include <skill/kits.hpp>
#include <skill/log.hpp>
#include <skill/nl_join.hpp>
#include <skill/partner.hpp>
#include <skill/persistence.hpp>
#include <skill/reprompt.hpp>
#include <skill/response.hpp>
#include <skill/sleep.hpp>
#include <skill/slots.hpp>
#include <skill/task.hpp>
