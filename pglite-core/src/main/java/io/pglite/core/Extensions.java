package io.pglite.core;

import io.pglite.core.engine.Engine;
import io.pglite.core.engine.EngineStartException;
import io.pglite.core.engine.ExtensionCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The extensions an instance creates at start ({@link Pglite.Builder#withExtensions}), and the
 * prepared images that make them free after the first time: an in-memory instance that created a
 * list of extensions leaves a snapshot, and the next instance of this JVM asking for the same list
 * on the same database starts as a clone of it instead of running the extensions' scripts again.
 */
final class Extensions {
    /** By database followed by the extension names, in the order given. */
    private static final Map<List<String>, Snapshot> IMAGES = new ConcurrentHashMap<>();

    private Extensions() {
    }

    /**
     * The names, checked against what the engine ships.
     *
     * @throws IllegalArgumentException naming the available extensions, for a name that is not one
     */
    static List<String> check(String... names) {
        List<String> checked = new ArrayList<>(names.length);
        for (String name : names) {
            if (name != null && ExtensionCatalog.extensions().containsKey(name)) {
                if (!checked.contains(name)) {
                    checked.add(name);
                }
                continue;
            }
            if (name != null && ExtensionCatalog.modules().contains(name)) {
                throw new IllegalArgumentException("extension '" + name + "' is a module without a control file: load it"
                        + " in a session with LOAD '" + name + "' (or the setting session_preload_libraries), not as an extension");
            }
            throw new IllegalArgumentException("extension '" + name + "' is not shipped with this engine; available: "
                    + String.join(", ", ExtensionCatalog.extensions().keySet()));
        }
        return List.copyOf(checked);
    }

    /** A prepared image with {@code extensions} created in {@code database}, or {@code null}. */
    static Snapshot image(String database, List<String> extensions) {
        return IMAGES.get(key(database, extensions));
    }

    /** Keeps {@code snapshot}, taken right after {@link #create}, as the image of its database and extensions. */
    static void offer(List<String> extensions, Snapshot snapshot) {
        IMAGES.putIfAbsent(key(snapshot.database(), extensions), snapshot);
    }

    /** Creates each extension missing from the database, with those it requires ({@code CASCADE}). */
    static void create(String instanceName, Engine engine, List<String> extensions) {
        if (extensions.isEmpty()) {
            return;
        }
        List<String> present = SimpleQuery.decode(engine.exchange(SimpleQuery.encode("SELECT extname FROM pg_extension")))
                .rows().stream().map(row -> row.get(0)).toList();
        for (String name : extensions) {
            if (present.contains(name)) {
                continue;
            }
            String sql = "CREATE EXTENSION IF NOT EXISTS \"" + name + "\" CASCADE";
            try {
                SimpleQuery.decode(engine.exchange(SimpleQuery.encode(sql)));
            } catch (PgliteSqlException e) {
                throw new EngineStartException(instanceName + ": " + sql + " failed: " + e.getMessage());
            }
        }
    }

    private static List<String> key(String database, List<String> extensions) {
        List<String> key = new ArrayList<>(extensions.size() + 1);
        key.add(database);
        key.addAll(extensions);
        return List.copyOf(key);
    }
}
