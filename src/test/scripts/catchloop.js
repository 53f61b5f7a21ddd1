// Runaway: a loop that catches the abort and keeps going.
export default function (input) {
  for (;;) { try { while (true) {} } catch (e) { } }
}
