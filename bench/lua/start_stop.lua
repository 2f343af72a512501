-- Alternately start a period and stop it, going round the bench channels (each with its owner's token).
counter = counter + 1
local channels = {@@CHANNELS@@}
local slot = channels[(math.floor((counter - 1) / 2) + tid * 7) % #channels + 1]
local headers = {["Authorization"] = slot[1], ["Content-Type"] = "application/json"}
if counter % 2 == 1 then
  return wrk.format("POST", "/" .. slot[2] .. "/events/start", headers,
    '{"folderId":"' .. slot[3] .. '","type":{"class":"activity","format":"plain"}}')
end
return wrk.format("POST", "/" .. slot[2] .. "/events/stop", headers, '{}')
