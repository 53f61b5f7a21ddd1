// For the benchmark: exactly one host.call (the echo handler, with the request's body), answered as it came back.
export default function (input) {
  var echoed = host.call("echo", { method: "POST", path: "/one", body: input });
  return { status: echoed.status };
}
