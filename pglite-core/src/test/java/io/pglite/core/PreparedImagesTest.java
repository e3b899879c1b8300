package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first in-memory instance of a JVM leaves an image of itself right after its start; the next
 * one with the same settings starts as a clone of it, one with other settings does not.
 */
class PreparedImagesTest {

    @Test
    void theNextPlainInstanceStartsFromTheFirstOnesImageAndOtherSettingsGetTheirOwn() {
        String firstStart;
        try (Pglite first = Pglite.builder().withDatabase("imaged").start()) {
            assertNotNull(PreparedImages.find(first.settings(), List.of()), "the first instance left an image");
            firstStart = startTime(first);
            first.query("CREATE TABLE only_in_first (x int)");
        }
        try (Pglite second = Pglite.builder().withDatabase("imaged").start()) {
            // a clone's memory is the image's, the postmaster start time included
            assertEquals(firstStart, startTime(second));
            assertEquals("0", second.query("SELECT count(*) FROM pg_class WHERE relname = 'only_in_first'").singleValue(),
                    "the image was taken right after the start, before the first instance's own work");
        }
        try (Pglite durable = Pglite.builder().withDatabase("imaged").withFsync(true).start()) {
            assertEquals("on", durable.query("SHOW fsync").singleValue(), "not a clone of the fsync=off image");
            assertNotEquals(firstStart, startTime(durable));
            assertNull(PreparedImages.find(durable.settings().onDatabase("elsewhere"), List.of()));
        }
    }

    private static String startTime(Pglite pg) {
        return pg.query("SELECT pg_postmaster_start_time()").singleValue();
    }
}
