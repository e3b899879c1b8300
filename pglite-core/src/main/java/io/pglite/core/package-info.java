/**
 * pglite-java's public API: {@link io.pglite.core.Pglite}, a PostgreSQL instance running inside the
 * JVM, its builder, {@link io.pglite.core.QueryResult} and the exceptions. Every other package of
 * this module is internal and may change without notice.
 */
package io.pglite.core;
