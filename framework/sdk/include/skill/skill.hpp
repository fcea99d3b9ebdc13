#pragma once
// The one header a skill includes.
#include <skill/config.hpp>
#include <skill/context.hpp>
#include <skill/errors.hpp>
#include <skill/intent.hpp>
#include <skill/log.hpp>
#include <skill/partner.hpp>
#include <skill/persistence.hpp>
#include <skill/response.hpp>
#include <skill/sleep.hpp>
#include <skill/slots.hpp>
#include <skill/task.hpp>
