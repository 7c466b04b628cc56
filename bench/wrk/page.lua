-- One page under wrk, for bench/pages.py. Settings come from the environment:
--
--   BENCH_METHOD    GET or POST
--   BENCH_PATH      the path requested
--   BENCH_SESSIONS  optional file, one session a line: "cookie<TAB>body" (the body,
--                   form-encoded with its CSRF token, is sent by POSTs). Requests
--                   take the sessions in turn; without the file, no cookie is sent.
--   BENCH_ONCE      "1": every session is used exactly once (each one is a draft that
--                   a submission consumes). Thread k takes sessions k, k+T, k+2T...
--                   (bench/pages.py runs one thread: see WRK_THREADS there), waits
--                   with its connections once its share has been sent, stops when
--                   it has been answered and prints
--                   "BENCH_THREAD_DONE" (wrk itself runs until -d or SIGINT, so
--                   the script sends SIGINT when every thread is done). The rate is
--                   then taken over the time from the first request to the last
--                   response ("active_us").
--   BENCH_EXPECT    the status every response must have, e.g. 200 or 303
--   BENCH_LOCATION  for redirects: the Location the response must give
--   BENCH_THREADS   wrk's -t, so that each thread knows its share
--
-- Every request carries an X-Forwarded-For of its own (the server trusts one proxy
-- hop, as in production), so the per-address rate limits are exercised, never
-- tripped. Every response whose status or Location is not the expected one is
-- counted. done() prints one line, "BENCH_RESULT key=value ...", for the script.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local sessions_file = os.getenv("BENCH_SESSIONS") or ""
local once = os.getenv("BENCH_ONCE") == "1"
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
local location = os.getenv("BENCH_LOCATION") or ""
local threads_total = tonumber(os.getenv("BENCH_THREADS") or "1")

local ffi = require("ffi")
ffi.cdef([[
  struct bench_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clock, struct bench_timespec *now);
]])
local timespec = ffi.new("struct bench_timespec")

local function now_us()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per thread (each thread has a Lua state of its own).
local sessions = {}
local position = 0 -- the next session to use
local sent = 0 -- requests counted for addresses
local reserved = 0 -- once mode: requests allowed to start
local answered = 0 -- once mode: responses received
local finished = false
statuses = {}
unexpected = 0
first_us = 0 -- once mode: the first request and the last response
last_us = 0

function init(args)
  if sessions_file ~= "" then
    local index = 0
    for line in io.lines(sessions_file) do
      if line ~= "" then
        if not once or index % threads_total == id then
          local cookie, body = line:match("^([^\t]*)\t?(.*)$")
          table.insert(sessions, { cookie = cookie, body = body })
        end
        index = index + 1
      end
    end
  end
end

local function address()
  sent = sent + 1
  -- loopback addresses (127.100.0.0 and up), like the applicants' in tests/live.py
  return string.format("127.%d.%d.%d", 100 + id % 100, math.floor(sent / 256) % 256, sent % 256)
end

local function build(session)
  local headers = {
    ["X-Forwarded-For"] = address(),
    ["X-Forwarded-Proto"] = "http",
  }
  local body = nil
  if session ~= nil then
    if session.cookie ~= "" then
      headers["Cookie"] = session.cookie
    end
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = session.body
    end
  end
  return wrk.format(method, path, headers, body)
end

function request()
  if #sessions == 0 then
    return build(nil)
  end
  if once and reserved == 0 then
    -- wrk calls request() once before the run to check it: consume nothing.
    return build(sessions[1])
  end
  if first_us == 0 then
    first_us = now_us()
  end
  position = position + 1
  local session = sessions[(position - 1) % #sessions + 1]
  return build(session)
end

local function finish()
  if not finished then
    finished = true
    io.write("BENCH_THREAD_DONE\n")
    io.stdout:flush()
  end
  wrk.thread:stop()
end

if once then
  -- Called before every request: a connection may start one only while the
  -- thread's share lasts; the others wait until the thread stops.
  function delay()
    if reserved < #sessions then
      reserved = reserved + 1
      return 0
    end
    if answered >= #sessions then
      finish()
    end
    return 3600000
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local good = status == expect
  if good and location ~= "" then
    good = (headers["Location"] or headers["location"]) == location
  end
  if not good then
    unexpected = unexpected + 1
  end
  if once then
    answered = answered + 1
    last_us = now_us()
    if answered >= #sessions then
      finish()
    end
  end
end

function done(summary, latency, requests)
  local counts = {}
  local wrong = 0
  local first, last = 0, 0
  for _, thread in ipairs(threads) do
    local began, ended = thread:get("first_us") or 0, thread:get("last_us") or 0
    if began > 0 and (first == 0 or began < first) then
      first = began
    end
    if ended > last then
      last = ended
    end
    for status, n in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + n
    end
    wrong = wrong + (thread:get("unexpected") or 0)
  end
  local listed = {}
  for status, n in pairs(counts) do
    table.insert(listed, string.format("%d:%d", status, n))
  end
  table.sort(listed)
  local errors = summary.errors
  io.write(
    string.format(
      "BENCH_RESULT requests=%d duration_us=%d active_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d "
        .. "connect=%d read=%d write=%d timeout=%d status_errors=%d unexpected=%d statuses=%s\n",
      summary.requests,
      summary.duration,
      math.max(0, last - first),
      latency:percentile(50),
      latency:percentile(95),
      latency:percentile(99),
      latency.max,
      errors.connect,
      errors.read,
      errors.write,
      errors.timeout,
      errors.status,
      wrong,
      table.concat(listed, ",")
    )
  )
end
