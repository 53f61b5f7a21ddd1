package dev.mik.http;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a request body without ever holding more than the configured maximum. */
public final class RequestBody {

    private RequestBody() {
    }

    /**
     * @param declaredLength the {@code Content-Length} header, or null; a declared length over the limit is refused
     *                       before a byte is read
     * @throws ProblemException {@link ProblemType#REQUEST_TOO_LARGE} when the body is larger than {@code maxBytes}
     */
    public static byte[] read(InputStream in, String declaredLength, long maxBytes) {
        if (declaredLength != null) {
            long declared;
            try {
                declared = Long.parseLong(declaredLength.trim());
            } catch (NumberFormatException e) {
                throw new ProblemException(ProblemType.BAD_REQUEST, "Content-Length is not a number");
            }
            if (declared > maxBytes) {
                throw tooLarge(maxBytes);
            }
        }
        if (in == null) {
            return new byte[0];
        }
        try {
            // most requests without a buffered body have none: no buffer for them
            int first = in.read();
            if (first == -1) {
                return new byte[0];
            }
            if (maxBytes < 1) {
                throw tooLarge(maxBytes);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(first);
            byte[] chunk = new byte[8192];
            int read;
            while ((read = in.read(chunk)) != -1) {
                if (body.size() + (long) read > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                body.write(chunk, 0, read);
            }
            return body.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the request body", e);
        }
    }

    private static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(ProblemType.REQUEST_TOO_LARGE,
                "The request body is larger than the limit of " + maxBytes + " bytes (mik.request.max-bytes).",
                null, java.util.Map.of("maxBytes", maxBytes));
    }
}
