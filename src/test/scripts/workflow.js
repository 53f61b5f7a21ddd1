// A five-step workflow with a conditional branch: every step is a handler call; the branch depends on input.
export default function (input) {
  var steps = [];
  var first = host.call("echo", { path: "/step/1", body: { order: input.order } });
  steps.push(first.status);
  var kind = first.body.body.indexOf("vip") >= 0 ? "vip" : "standard";
  var second;
  if (kind === "vip") {
    second = host.call("respond", { path: "/vip", query: { status: 201 }, body: "priority" });
  } else {
    second = host.call("respond", { path: "/standard", query: { status: 200 }, body: "normal" });
  }
  steps.push(second.status);
  for (var i = 3; i <= 5; i++) {
    var r = host.call("echo", { method: "PUT", path: "/step/" + i, body: { step: i, kind: kind } });
    steps.push(r.status);
  }
  return { kind: kind, steps: steps, lastPath: second.body.path };
}
