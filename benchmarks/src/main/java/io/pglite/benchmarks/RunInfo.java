package io.pglite.benchmarks;

import java.time.Duration;
import java.time.Instant;

/**
 * The circumstances of a run, as the report states them.
 *
 * @param zonkyUser the user Zonky's PostgreSQL processes ran as
 * @param loadBefore the 1-minute load average when the run started: other work competing for the cores
 * @param loadAfter the same when it ended
 */
record RunInfo(Instant started, Duration took, String zonkyUser, double loadBefore, double loadAfter) {
}
