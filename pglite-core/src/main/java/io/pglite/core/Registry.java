package io.pglite.core;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instances running in this JVM. A shutdown hook closes those still open when the JVM exits,
 * so that file-backed instances end with a checkpoint and release their directory locks.
 */
final class Registry {
    private static final System.Logger LOG = System.getLogger(Registry.class.getName());
    private static final Set<Pglite> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Registry::closeAll, "pglite-shutdown"));
    }

    private Registry() {
    }

    static void add(Pglite instance) {
        RUNNING.add(instance);
    }

    static void remove(Pglite instance) {
        RUNNING.remove(instance);
    }

    static List<Pglite> running() {
        return List.copyOf(RUNNING);
    }

    private static void closeAll() {
        for (Pglite instance : RUNNING) {
            try {
                instance.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing " + instance.name() + " at JVM exit failed", e);
            }
        }
    }
}
