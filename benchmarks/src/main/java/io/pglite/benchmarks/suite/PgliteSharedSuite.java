package io.pglite.benchmarks.suite;

import io.pglite.junit5.PgliteInstance;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/**
 * The synthetic suite on pglite with {@code @PgliteInstance(sharing = SUITE)}: the first class starts
 * a template instance, later classes get it back restored to its post-init state (no init scripts
 * here, so an empty database), then run their own {@code @BeforeAll}; methods are restored to the
 * class's state as with the defaults.
 */
public final class PgliteSharedSuite {
    private PgliteSharedSuite() {
    }

    /** The suite's test classes, in the order the launcher is given them. */
    public static final Class<?>[] CLASSES = {
        PgliteShared01.class,
        PgliteShared02.class,
        PgliteShared03.class,
        PgliteShared04.class,
        PgliteShared05.class,
        PgliteShared06.class,
        PgliteShared07.class,
        PgliteShared08.class,
        PgliteShared09.class,
        PgliteShared10.class,
        PgliteShared11.class,
        PgliteShared12.class,
        PgliteShared13.class,
        PgliteShared14.class,
        PgliteShared15.class,
        PgliteShared16.class,
        PgliteShared17.class,
        PgliteShared18.class,
        PgliteShared19.class,
        PgliteShared20.class,
    };

    @PgliteInstance(sharing = PgliteInstance.Sharing.SUITE)
    public abstract static class Base extends SuiteTests {
        @BeforeAll
        static void setUp(DataSource dataSource) throws SQLException {
            SuiteWork.prepare(dataSource);
        }
    }

    public static final class PgliteShared01 extends Base {
    }

    public static final class PgliteShared02 extends Base {
    }

    public static final class PgliteShared03 extends Base {
    }

    public static final class PgliteShared04 extends Base {
    }

    public static final class PgliteShared05 extends Base {
    }

    public static final class PgliteShared06 extends Base {
    }

    public static final class PgliteShared07 extends Base {
    }

    public static final class PgliteShared08 extends Base {
    }

    public static final class PgliteShared09 extends Base {
    }

    public static final class PgliteShared10 extends Base {
    }

    public static final class PgliteShared11 extends Base {
    }

    public static final class PgliteShared12 extends Base {
    }

    public static final class PgliteShared13 extends Base {
    }

    public static final class PgliteShared14 extends Base {
    }

    public static final class PgliteShared15 extends Base {
    }

    public static final class PgliteShared16 extends Base {
    }

    public static final class PgliteShared17 extends Base {
    }

    public static final class PgliteShared18 extends Base {
    }

    public static final class PgliteShared19 extends Base {
    }

    public static final class PgliteShared20 extends Base {
    }
}
