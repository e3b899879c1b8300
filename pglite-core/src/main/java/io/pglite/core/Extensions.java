package io.pglite.core;

import io.pglite.core.engine.Engine;
import io.pglite.core.engine.EngineStartException;
import io.pglite.core.engine.ExtensionCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * The extensions an instance creates at start ({@link Pglite.Builder#withExtensions}): checked
 * against what the engine ships, created in order. {@link PreparedImages} makes them free after the
 * first instance of a JVM.
 */
final class Extensions {

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

    /**
     * The side modules to preload for {@code extensions}: {@code pg_stat_statements} works only when
     * loaded at start, before the backend sets its shared memory up.
     */
    static List<String> preloaded(List<String> extensions) {
        return extensions.contains("pg_stat_statements") ? List.of("pg_stat_statements") : List.of();
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
}
