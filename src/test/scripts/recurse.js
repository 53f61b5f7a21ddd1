// Runaway: unbounded recursion.
function down(n) { return down(n + 1) + 1; }
export default function (input) { return down(0); }
