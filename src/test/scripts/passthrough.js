// Returning a host.call result passes the handler's response through: status, headers, body.
export default function (input) {
  return host.call("status", { method: "POST" });
}
