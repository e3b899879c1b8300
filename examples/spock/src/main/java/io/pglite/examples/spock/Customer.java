package io.pglite.examples.spock;

/** A customer as stored in the {@code customer} table. */
public record Customer(long id, String email, String name) {
}
