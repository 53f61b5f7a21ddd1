// Runaway: an allocation loop that keeps everything reachable.
export default function (input) {
  var keep = [];
  while (true) { keep.push(new Array(10000).join("x") + keep.length); }
}
