// Retries a call while it answers 503, up to three attempts; input.failures says how many 503s come first.
export default function handle(input) {
  var attempts = 0;
  var result;
  for (var attempt = 1; attempt <= 3; attempt++) {
    attempts = attempt;
    result = host.call("respond", { query: { status: attempt <= input.failures ? 503 : 200 } });
    if (result.status !== 503) break;
  }
  if (result.status === 503) return { error: "still unavailable", attempts: attempts, status: 502 };
  return { ok: true, attempts: attempts };
}
