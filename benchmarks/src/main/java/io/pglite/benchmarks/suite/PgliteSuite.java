package io.pglite.benchmarks.suite;

import io.pglite.junit5.PgliteInstance;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/**
 * The synthetic suite on pglite with {@code @PgliteInstance} defaults: each of the 20 classes gets
 * its own instance (lifecycle {@code PER_CLASS}, sharing {@code NONE}), set up by its
 * {@code @BeforeAll}, restored to that state before each method.
 */
public final class PgliteSuite {
    private PgliteSuite() {
    }

    /** The suite's test classes, in the order the launcher is given them. */
    public static final Class<?>[] CLASSES = {
        PgliteSuite01.class,
        PgliteSuite02.class,
        PgliteSuite03.class,
        PgliteSuite04.class,
        PgliteSuite05.class,
        PgliteSuite06.class,
        PgliteSuite07.class,
        PgliteSuite08.class,
        PgliteSuite09.class,
        PgliteSuite10.class,
        PgliteSuite11.class,
        PgliteSuite12.class,
        PgliteSuite13.class,
        PgliteSuite14.class,
        PgliteSuite15.class,
        PgliteSuite16.class,
        PgliteSuite17.class,
        PgliteSuite18.class,
        PgliteSuite19.class,
        PgliteSuite20.class,
    };

    @PgliteInstance
    public abstract static class Base extends SuiteTests {
        @BeforeAll
        static void setUp(DataSource dataSource) throws SQLException {
            SuiteWork.prepare(dataSource);
        }
    }

    public static final class PgliteSuite01 extends Base {
    }

    public static final class PgliteSuite02 extends Base {
    }

    public static final class PgliteSuite03 extends Base {
    }

    public static final class PgliteSuite04 extends Base {
    }

    public static final class PgliteSuite05 extends Base {
    }

    public static final class PgliteSuite06 extends Base {
    }

    public static final class PgliteSuite07 extends Base {
    }

    public static final class PgliteSuite08 extends Base {
    }

    public static final class PgliteSuite09 extends Base {
    }

    public static final class PgliteSuite10 extends Base {
    }

    public static final class PgliteSuite11 extends Base {
    }

    public static final class PgliteSuite12 extends Base {
    }

    public static final class PgliteSuite13 extends Base {
    }

    public static final class PgliteSuite14 extends Base {
    }

    public static final class PgliteSuite15 extends Base {
    }

    public static final class PgliteSuite16 extends Base {
    }

    public static final class PgliteSuite17 extends Base {
    }

    public static final class PgliteSuite18 extends Base {
    }

    public static final class PgliteSuite19 extends Base {
    }

    public static final class PgliteSuite20 extends Base {
    }
}
