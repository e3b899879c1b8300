package io.pglite.core;

import io.pglite.core.engine.EngineSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Start-up images, one per engine settings (database, fsync) and list of extensions: the first
 * in-memory instance of a JVM with given settings and extensions leaves a snapshot taken right
 * after its start (database created, extensions created), and every later one starts as a clone of
 * it instead of running PostgreSQL's start-up, {@code CREATE DATABASE} and the extensions' scripts
 * again. An image holds the instance's memory as it was then (about 17 MiB of heap) for the life of
 * the JVM. For the default settings the jar ships one ({@link StartImage}).
 */
final class PreparedImages {
    /** By settings and the extension names, in the order given. */
    private static final Map<List<Object>, Snapshot> IMAGES = new ConcurrentHashMap<>();

    private PreparedImages() {
    }

    /**
     * The image of {@code settings} with {@code extensions}, or {@code null} if no instance left one
     * yet and the jar's {@link StartImage} does not serve them.
     */
    static Snapshot find(EngineSettings settings, List<String> extensions) {
        List<Object> key = key(settings, extensions);
        Snapshot image = IMAGES.get(key);
        if (image == null && StartImage.serves(settings, extensions)) {
            Snapshot shipped = StartImage.get();
            if (shipped != null) {
                image = IMAGES.computeIfAbsent(key, k -> shipped);
            }
        }
        return image;
    }

    /** Keeps {@code snapshot}, taken right after a start with {@code settings}, as their image with {@code extensions}. */
    static void offer(EngineSettings settings, List<String> extensions, Snapshot snapshot) {
        IMAGES.putIfAbsent(key(settings, extensions), snapshot);
    }

    /** The settings an image depends on: all but the memory ceiling (an image is far below any allowed). */
    static EngineSettings keySettings(EngineSettings settings) {
        return new EngineSettings(settings.user(), settings.database(), 0, settings.fsync(), settings.preloadLibraries());
    }

    private static List<Object> key(EngineSettings settings, List<String> extensions) {
        return List.of(keySettings(settings), List.copyOf(extensions));
    }
}
