// Reports what the script sees: input, request, and what a handler saw of the request id and trace.
export default function (input) {
  const seen = host.call("echo", { method: "GET", path: "/inspect", query: "a=1&b=two", headers: { "X-Extra": "yes" } });
  let frozen = Object.isFrozen(request) && Object.isFrozen(request.headers);
  const arrows = [1, 2, 3].map(x => x * 2);
  return { input: input, method: request.method, path: request.path, query: request.query,
           frozen: frozen, arrows: arrows, handlerSaw: seen.body, handlerHeaders: seen.headers };
}
