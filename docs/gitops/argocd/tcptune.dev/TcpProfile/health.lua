-- Argo CD health of a tcptune TcpProfile, from the conditions the operator writes.
-- Healthy: every selected node applied this generation. Degraded: invalid, a node failed, or the
-- rollout paused on a failure. Progressing: the operator has not seen this generation yet, or
-- nodes are still changing.
local hs = {}
local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the operator"
  return hs
end
local generation = obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "waiting for the operator to observe generation " .. generation
  return hs
end
local conditions = {}
for _, c in ipairs(status.conditions) do
  conditions[c.type] = c
end
local function isTrue(type)
  return conditions[type] ~= nil and conditions[type].status == "True"
end
local function message(type)
  local c = conditions[type]
  if c == nil or c.message == nil or c.message == "" then
    return type
  end
  return c.message
end
if isTrue("Invalid") then
  hs.status = "Degraded"
  hs.message = message("Invalid")
  return hs
end
if conditions.Progressing ~= nil and conditions.Progressing.reason == "RolloutPaused" then
  hs.status = "Degraded"
  hs.message = message("Progressing")
  return hs
end
if isTrue("Degraded") then
  hs.status = "Degraded"
  hs.message = message("Degraded")
  return hs
end
if isTrue("Ready") then
  hs.status = "Healthy"
  if isTrue("Drifted") then
    hs.message = message("Ready") .. "; " .. message("Drifted")
  else
    hs.message = message("Ready")
  end
  return hs
end
hs.status = "Progressing"
if isTrue("Progressing") then
  hs.message = message("Progressing")
else
  hs.message = message("Ready")
end
return hs
