/**
 * Service provider interfaces: what other pglite-java modules plug into the core with, found through
 * {@link java.util.ServiceLoader}. {@link io.pglite.core.spi.MigrationRunner} applies schema
 * migrations (pglite-flyway implements it).
 */
package io.pglite.core.spi;
