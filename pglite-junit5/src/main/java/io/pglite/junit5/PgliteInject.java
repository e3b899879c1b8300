package io.pglite.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field to be set by {@link PgliteExtension}: of type {@link javax.sql.DataSource} (pooled,
 * one per instance), {@link java.sql.Connection} (a new one, closed after the method, or after the
 * class for a static field) or {@link io.pglite.core.Pglite}. Instance fields are set before each
 * method (and before {@code @BeforeAll} with {@code @TestInstance(PER_CLASS)}), static fields before
 * {@code @BeforeAll}. For the JDBC URL use {@link PgliteJdbcUrl} on a {@code String} field.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PgliteInject {
}
