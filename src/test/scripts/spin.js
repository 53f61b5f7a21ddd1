// Runaway: an empty infinite loop.
export default function (input) { while (true) {} }
