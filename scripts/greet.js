// The README's first example: verify a token, then call a second handler with what the first answered.
export default function (input) {
  var auth = host.call("auth", { path: "/verify", body: { token: input.token } });
  if (auth.status !== 200) return { error: "Unauthorized", status: 401 };
  var greeting = host.call("echo", { method: "GET", path: "/hello", query: { to: auth.body.userId } });
  console.info("greeted " + auth.body.userId);
  return { user: auth.body.userId, echoed: greeting.body.query };
}
