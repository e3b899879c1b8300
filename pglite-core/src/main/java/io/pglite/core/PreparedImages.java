package io.pglite.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Start-up images, one per database and list of extensions: the first in-memory instance of a JVM
 * with a given database and extensions leaves a snapshot taken right after its start (database
 * created, extensions created), and every later one starts as a clone of it instead of running
 * PostgreSQL's start-up, {@code CREATE DATABASE} and the extensions' scripts again. An image holds
 * the instance's memory as it was then (about 17 MiB of heap) for the life of the JVM.
 */
final class PreparedImages {
    /** By database followed by the extension names, in the order given. */
    private static final Map<List<String>, Snapshot> IMAGES = new ConcurrentHashMap<>();

    private PreparedImages() {
    }

    /** The image of {@code database} with {@code extensions}, or {@code null} if no instance left one yet. */
    static Snapshot find(String database, List<String> extensions) {
        return IMAGES.get(key(database, extensions));
    }

    /** Keeps {@code snapshot}, taken right after a start, as the image of its database and {@code extensions}. */
    static void offer(List<String> extensions, Snapshot snapshot) {
        IMAGES.putIfAbsent(key(snapshot.database(), extensions), snapshot);
    }

    private static List<String> key(String database, List<String> extensions) {
        List<String> key = new ArrayList<>(extensions.size() + 1);
        key.add(database);
        key.addAll(extensions);
        return List.copyOf(key);
    }
}
