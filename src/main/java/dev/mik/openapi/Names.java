package dev.mik.openapi;

/**
 * What {@link NameWalk} does with each name a description uses to point at another of its parts. Checking a module's
 * description answers every name unchanged or refuses it; merging it answers the module's renamed one.
 */
interface Names {

    /** A {@code $ref}, an {@code operationRef} or a discriminator mapping written as a reference. */
    String ref(String ref) throws InvalidDescriptionException;

    /** A discriminator mapping written as a schema's name. */
    String schema(String name) throws InvalidDescriptionException;

    /** A key of a security requirement: the name of a security scheme. */
    String securityScheme(String name) throws InvalidDescriptionException;

    String operationId(String id);

    String tag(String tag);
}
