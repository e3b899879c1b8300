package io.pglite.spock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} field of a {@link PgliteSpec} specification to receive the JDBC URL of its
 * instance, {@code jdbc:postgresql://127.0.0.1:<port>/postgres}.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PgliteJdbcUrl {
}
