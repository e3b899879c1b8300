package io.pglite.core.server;

import java.time.Duration;

/**
 * How the wire-protocol server of an instance listens and whom it lets in.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the port; 0 for a free one
 * @param user the user a password applies to
 * @param password null for trust authentication (any user name is accepted), else the SCRAM-SHA-256 password of {@code user}
 * @param database the one database the backend serves
 * @param waitTimeout how long a connection waits for the backend while another holds it; zero waits forever
 */
public record ServerSettings(String host, int port, String user, String password, String database, Duration waitTimeout) {
}
