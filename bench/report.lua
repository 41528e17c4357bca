-- wrk report: one JSON line with throughput, latency percentiles (microseconds) and errors.
-- Used by bench/run.py for every endpoint and concurrency level. If BENCH_PATHS is set (a
-- file with one path per line), requests cycle through those paths (the soak run's mix).
local paths = {}
local index = 0

function init(args)
  local file = os.getenv("BENCH_PATHS")
  if file then
    for line in io.lines(file) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
  local etag = os.getenv("BENCH_IF_NONE_MATCH")
  if etag then wrk.headers["If-None-Match"] = etag end
  local encoding = os.getenv("BENCH_ACCEPT_ENCODING")
  if encoding then wrk.headers["Accept-Encoding"] = encoding end
end

function request()
  if #paths == 0 then return wrk.request() end
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
