package io.pglite.core.engine;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the engine build ships besides PostgreSQL itself, from pglite-wasm's {@code extensions.tsv}:
 * the extensions {@code CREATE EXTENSION} takes, with their default versions, and the modules
 * without a control file that only {@code LOAD} takes ({@code auto_explain}, ...).
 */
public final class ExtensionCatalog {
    private static final SortedMap<String, String> EXTENSIONS = new TreeMap<>();
    private static final SortedSet<String> MODULES = new TreeSet<>();

    static {
        // lines: name, default version, archive, requires, comment; no version: a LOAD-only module
        String text = new String(EngineAssets.read("extensions.tsv"), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields[1].isEmpty()) {
                MODULES.add(fields[0]);
            } else {
                EXTENSIONS.put(fields[0], fields[1]);
            }
        }
    }

    private ExtensionCatalog() {
    }

    /** Extension name to default version, sorted by name. */
    public static SortedMap<String, String> extensions() {
        return Collections.unmodifiableSortedMap(EXTENSIONS);
    }

    /** Modules that {@code LOAD} takes and {@code CREATE EXTENSION} does not. */
    public static SortedSet<String> modules() {
        return Collections.unmodifiableSortedSet(MODULES);
    }
}
