// State must not survive between requests: a top-level var and an attempted global both start fresh.
var count = 0;
export default function (input) {
  count = count + 1;
  var leaked;
  try { leaked = typeof sharedAcrossRequests; sharedAcrossRequests = input.n; } catch (e) { leaked = "blocked"; }
  var spin = 0;
  for (var i = 0; i < 20000; i++) { spin += i; }
  return { count: count, n: input.n, leaked: leaked };
}
