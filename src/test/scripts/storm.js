// Hostile on purpose, for the storm test: ?kind= picks how the run tries to exhaust the heap.
export default function (input) {
  var kind = request.query.kind;
  if (kind === "match") {
    // one builtin call that turns 8 million characters into 8 million strings
    return "x".repeat(8000000).match(/x/g).length;
  }
  if (kind === "lower") {
    // straight-line single-call expansions, 8 MB each, kept alive: 160 MB, past the script's 128 MiB budget
    var u = "X".repeat(8000000);
    var kept = [u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(),
      u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(),
      u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(),
      u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase(), u.toLowerCase()];
    return kept.length;
  }
  if (kind === "straight") {
    var a = "x".repeat(8000000);
    var b = a.toUpperCase();
    var c = b.toLowerCase();
    var d = a.split("");
    return [a.length, b.length, c.length, d.length];
  }
  var keep = [];
  while (true) { keep.push(new Array(10000).join("x") + keep.length); }
}
