-- One AddActivities batch of 100 comments, each with an Id never sent before (run, thread, counter).
counter = counter + 1
local items = {}
for i = 1, 100 do
  items[i] = string.format(
    '{"Type":"comment","Id":"%08x-%04x-4000-8000-%012x","Timestamp":"2024-01-01T00:00:00.0000000Z",'
      .. '"Data":{"ContentAction":"created","ContentId":"c%d","CommentText":"bench"}}',
    run, tid, counter * 100 + i, i)
end
return wrk.format("POST", "@@PATH@@",
  {["X-WOPI-Override"] = "ADD_ACTIVITIES", ["Content-Type"] = "application/json"},
  '{"Activities":[' .. table.concat(items, ",") .. ']}')
