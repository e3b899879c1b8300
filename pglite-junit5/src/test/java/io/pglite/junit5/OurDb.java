package io.pglite.junit5;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A team's own annotation, meta-annotated with @PgliteInstance. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@PgliteInstance(initScripts = "db/schema.sql")
@interface OurDb {
}
