// host.call failures are results, not exceptions.
export default function (input) {
  var missing = host.call("nosuch", {});
  var trap = host.call("trap", {});
  var slow = host.call("loop", {});
  return { missing: [missing.status, missing.error], trap: [trap.status, trap.error], slow: [slow.status, slow.error],
           problemType: missing.body.type };
}
