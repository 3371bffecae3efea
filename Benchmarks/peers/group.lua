-- group: Lua's counterpart of Benchmarks/group.peer: 200_000 tables from the MINSTD
-- generator (seed 42), grouped by status and by project with count and average visits, 5
-- times as a grouping (member lists per key in first-seen order, then the aggregates) and 5
-- times with a running count and sum per key. The same checksum line.
local N = 200000
local ROUNDS = 5
local STATUSES = { "active", "pending", "closed", "referred", "paused" }

local function mix(h, count, average)
  return (h * 31 + count * 7 + math.floor(average * 1000)) % 1000000007
end

local function grouped(recs, key)
  local index, order = {}, {}
  for _, r in ipairs(recs) do
    local k = r[key]
    local members = index[k]
    if members == nil then
      members = {}
      index[k] = members
      order[#order + 1] = k
    end
    members[#members + 1] = r
  end
  local rows = {}
  for _, k in ipairs(order) do
    local ms = index[k]
    local total = 0
    for _, m in ipairs(ms) do total = total + m.visits end
    rows[#rows + 1] = { #ms, total / #ms }
  end
  return rows
end

local function main()
  local seed = 42
  local function nextrand()
    seed = (seed * 48271) % 2147483647
    return seed
  end
  local recs = {}
  for i = 1, N do
    recs[i] = {
      id = i,
      project = 1 + nextrand() % 9,
      status = STATUSES[nextrand() % 5 + 1],
      visits = nextrand() % 1000,
    }
  end

  local piped = 0
  for _ = 1, ROUNDS do
    for _, key in ipairs({ "status", "project" }) do
      for _, row in ipairs(grouped(recs, key)) do piped = mix(piped, row[1], row[2]) end
    end
  end

  local looped = 0
  for _ = 1, ROUNDS do
    for _, key in ipairs({ "status", "project" }) do
      local counts, sums, order = {}, {}, {}
      for _, r in ipairs(recs) do
        local k = r[key]
        if counts[k] then
          counts[k] = counts[k] + 1
          sums[k] = sums[k] + r.visits
        else
          counts[k] = 1
          sums[k] = r.visits
          order[#order + 1] = k
        end
      end
      for _, k in ipairs(order) do looped = mix(looped, counts[k], sums[k] / counts[k]) end
    end
  end
  print(string.format("group pipeline %d loop %d", piped, looped))
end

main()
