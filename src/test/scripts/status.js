// A returned object with a numeric status sets the HTTP status; the object is the body.
export default function (input) {
  if (input === null) return { message: "no input" };
  return { error: "not acceptable", status: input.status };
}
