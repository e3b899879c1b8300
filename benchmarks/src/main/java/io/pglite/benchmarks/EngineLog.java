package io.pglite.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects the timings pglite logs at debug level, such as {@code "bench-1: module 812 ms,
 * instantiate 40 ms, start-up 650 ms"}, so a probe can show what a start spent its time on.
 * pglite logs through {@link System.Logger}, which goes to {@code java.util.logging} here.
 */
final class EngineLog {
    private static final Logger LOGGER = Logger.getLogger("io.pglite");
    private static final Pattern TIMING = Pattern.compile("(.+?) (\\d+(?:\\.\\d+)?) ms");
    private static final List<String> MESSAGES = new CopyOnWriteArrayList<>();
    private static boolean capturing;

    private EngineLog() {
    }

    static synchronized void capture() {
        if (capturing) {
            return;
        }
        capturing = true;
        LOGGER.setLevel(Level.FINE);
        LOGGER.setUseParentHandlers(false);
        LOGGER.addHandler(new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                String message = formatter.formatMessage(record);
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    System.err.println(record.getLoggerName() + ": " + message);
                } else {
                    MESSAGES.add(message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    /** The {@code "<instance>: <part> <n> ms, ..."} timings logged for an instance, in ms by part. */
    static Map<String, Double> timings(String instance) {
        Map<String, Double> timings = new LinkedHashMap<>();
        String prefix = instance + ": ";
        for (String message : MESSAGES) {
            if (!message.startsWith(prefix)) {
                continue;
            }
            for (String part : message.substring(prefix.length()).split(", ")) {
                Matcher matcher = TIMING.matcher(part.trim());
                if (matcher.matches()) {
                    timings.put("engine: " + matcher.group(1) + " (ms)", Double.parseDouble(matcher.group(2)));
                }
            }
        }
        return timings;
    }
}
