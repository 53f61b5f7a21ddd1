// A thrown error becomes a 500 problem naming the script and the line.
export default function (input) {
  var x = 1;
  throw new Error("boom at line four");
}
