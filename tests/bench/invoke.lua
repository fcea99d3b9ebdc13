-- wrk script of the benchmark suite (run.sh): posts a real invocation and prints
-- one machine-readable result line. Configured by the environment:
--   BENCH_KIND    skill | ask | stub  (SPI 1.4.1 invocation, Alexa envelope, stub set)
--   BENCH_INTENT  the intent to invoke (skill, ask)
--   BENCH_TOKENS  file with one JWT per line; requests cycle through them, so the
--                 32 connections act for different users
local kind = os.getenv("BENCH_KIND") or "skill"
local intent = os.getenv("BENCH_INTENT") or "BENCH_TELL"
local tokens_file = os.getenv("BENCH_TOKENS")

local function read_tokens()
    local tokens = {}
    if tokens_file then
        for line in io.lines(tokens_file) do
            if #line > 0 then tokens[#tokens + 1] = line end
        end
    end
    if #tokens == 0 then tokens[1] = "no-token" end
    return tokens
end

-- The platform's invocation, as in /work/shared/docs/protocol.md section 2.
local function skill_body(i, token)
    return '{"context":{"intent":"' .. intent .. '","skillId":"hello","locale":"de",' ..
        '"attributes":{"timezone":["Europe/Berlin"]},' ..
        '"attributesV2":{"timezone":[{"id":1,"value":"Europe/Berlin","nestedIn":[],' ..
        '"overlapsWith":[],"extras":{}}]},' ..
        '"tokens":{"cvi":"' .. token .. '"},"clientTypeName":"mini"},' ..
        '"session":{"id":"session-' .. i .. '","new":true,"attributes":{}},' ..
        '"spiVersion":"1.4.1"}'
end

-- The same invocation as an Alexa IntentRequest envelope (the peer row).
local function ask_body(i, token)
    return '{"version":"1.0","session":{"new":true,"sessionId":"session-' .. i .. '",' ..
        '"application":{"applicationId":"amzn1.ask.skill.hello"},"attributes":{},' ..
        '"user":{"userId":"user-' .. i .. '","accessToken":"' .. token .. '"}},' ..
        '"context":{"System":{"application":{"applicationId":"amzn1.ask.skill.hello"},' ..
        '"user":{"userId":"user-' .. i .. '","accessToken":"' .. token .. '"},' ..
        '"device":{"deviceId":"device-1","supportedInterfaces":{}},' ..
        '"apiEndpoint":"https://api.amazonalexa.com"}},' ..
        '"request":{"type":"IntentRequest","requestId":"request-' .. i .. '",' ..
        '"timestamp":"2026-11-25T10:00:00Z","locale":"de-DE",' ..
        '"intent":{"name":"' .. intent .. '","confirmationStatus":"NONE","slots":{}}}}'
end

local requests = {}
local next_request = 1

function init(args)
    local tokens = read_tokens()
    for i, token in ipairs(tokens) do
        local headers = {["Content-Type"] = "application/json"}
        local body
        if kind == "stub" then
            headers["Authorization"] = "Bearer " .. token
            body = '{"data":{"visits":' .. i .. ',"name":"bench user ' .. i .. '"}}'
        elseif kind == "ask" then
            body = ask_body(i, token)
        else
            body = skill_body(i, token)
        end
        requests[i] = wrk.format("POST", nil, headers, body)
    end
end

function request()
    local r = requests[next_request]
    next_request = next_request % #requests + 1
    return r
end

function done(summary, latency, _)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "BENCH_RESULT rps=%.1f p50_us=%d p99_us=%d max_us=%d requests=%d " ..
        "socket_errors=%d non2xx=%d\n",
        summary.requests / seconds, latency:percentile(50), latency:percentile(99), latency.max,
        summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
