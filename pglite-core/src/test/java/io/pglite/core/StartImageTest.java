package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start image the build put on the class path, and the default instances that start from it. */
class StartImageTest {

    @Test
    void aDefaultInstanceStartsFromTheImageTheBuildWrote() {
        assertNotNull(StartImage.class.getResource(StartImage.RESOURCE), "pglite-core's build writes the start image");
        assertNotNull(StartImage.get(), "the image belongs to this engine build");
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        try (Pglite pg = Pglite.start()) {
            // a clone's memory is the image's: PostgreSQL's start time is the build's, before this JVM
            assertEquals("t", pg.query("SELECT pg_postmaster_start_time() < to_timestamp(" + jvmStart + " / 1000.0)")
                    .singleValue());
            assertEquals("1", pg.query("SELECT 1").singleValue());
            assertTrue(StartImage.serves(pg.settings(), List.of()));
        }
    }

    @Test
    void theZonesTheImageLoadedLeaveTheDefaultZoneAndServeConnections() throws SQLException {
        try (Pglite pg = Pglite.start()) {
            assertEquals("UTC", pg.query("SHOW TimeZone").singleValue(), "the warm-up's zones are not the default");
            try (Connection connection = DriverManager.getConnection(pg.jdbcUrl());
                    Statement statement = connection.createStatement()) {
                for (String zone : StartImage.CACHED_TIME_ZONES) {
                    statement.execute("SET TimeZone = '" + zone + "'");
                    try (ResultSet shown = statement.executeQuery(
                            "SELECT current_setting('TimeZone'), to_char(timestamptz '2000-01-01 12:00+00', 'HH24 TZ')")) {
                        shown.next();
                        assertEquals(zone, shown.getString(1));
                        assertEquals("12 " + (zone.equals("GMT") ? "GMT" : "UTC"), shown.getString(2));
                    }
                }
            }
        }
    }

    @Test
    void onlyTheDefaultSettingsAreServed() {
        try (Pglite pg = Pglite.builder().withDatabase("orders").start()) {
            assertFalse(StartImage.serves(pg.settings(), List.of()));
            assertFalse(StartImage.serves(pg.settings().onDatabase("postgres"), List.of("pgcrypto")));
            assertTrue(StartImage.serves(pg.settings().onDatabase("postgres"), List.of()));
        }
    }
}
