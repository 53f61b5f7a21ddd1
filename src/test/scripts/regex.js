// Runaway: catastrophic backtracking.
export default function (input) {
  var s = "";
  for (var i = 0; i < 40; i++) s += "a";
  return /(a+)+\1b/.test(s + "c") || /(a|aa)+$/.test(s + s + "!");
}
