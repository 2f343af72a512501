-- One public Aggiefeed post with a new ucdSrcId; the bench source publishes without approval.
counter = counter + 1
local body = string.format(
  '{"activity":{"icon":"icon-comment-alt","actor":{"id":"@@SOURCE@@","objectType":"department",'
    .. '"displayName":"Bench department","author":{"id":"user00001","displayName":"User 1"}},'
    .. '"verb":"post","title":"Bench post","object":{"ucdSrcId":"bench-%d-%d-%d","objectType":"notification",'
    .. '"content":"Benchmark post","ucdEdusModel":{}},"to":{"groups":["public"],"users":[]},'
    .. '"ucdEdusMeta":{"labels":["~campus-life"],"authzId":"user00001"}}}',
  run, tid, counter)
return wrk.format("POST", "/api/v1/activity",
  {["Authorization"] = "ApiKey @@KEY@@", ["Content-Type"] = "application/json"}, body)
