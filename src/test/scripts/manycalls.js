// Calls a handler more often than mik.script.max-calls allows, swallowing errors; the run must still fail.
export default function (input) {
  for (var i = 0; i < 1000; i++) {
    try { host.call("echo", { body: i }); } catch (e) { }
  }
  return { done: true };
}
