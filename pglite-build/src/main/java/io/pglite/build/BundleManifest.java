package io.pglite.build;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Emscripten file-packager manifest of {@code pglite.data}, read from the glue {@code pglite.js}, and the text
 * form the engine reads ({@code pglite.manifest}): first line {@code # pglite.data <size>}, then one line per file,
 * {@code <start>\t<end>\t<absolute path>}. The byte ranges must tile the data file exactly.
 */
final class BundleManifest {

    private static final Pattern FILE = Pattern.compile("filename:\"([^\"\\\\]*)\",start:(\\d+),end:(\\d+)");
    private static final Pattern PACKAGE_SIZE = Pattern.compile("remote_package_size:(\\d+)");

    /** One file of the bundle: its absolute path in the wasm file system and its byte range in the data file. */
    record Entry(String path, long start, long end) {
    }

    private BundleManifest() {
    }

    /**
     * Parses the manifest out of the glue's source and checks it against the data file: the declared package size
     * must be {@code dataSize}, and the ranges, in order, must cover {@code [0, dataSize)} without gap or overlap.
     */
    static List<Entry> parse(String glue, long dataSize) {
        Matcher size = PACKAGE_SIZE.matcher(glue);
        if (!size.find()) {
            throw new IllegalArgumentException(
                    "no remote_package_size in the glue (is it an Emscripten file-packager build?)");
        }
        long declared = Long.parseLong(size.group(1));
        if (declared != dataSize) {
            throw new IllegalArgumentException("data file size: " + dataSize + " (expected: " + declared
                    + ", the glue's remote_package_size)");
        }
        List<Entry> entries = new ArrayList<>();
        long next = 0;
        Matcher file = FILE.matcher(glue);
        while (file.find()) {
            Entry entry = new Entry(file.group(1), Long.parseLong(file.group(2)), Long.parseLong(file.group(3)));
            if (entry.start() != next || entry.end() < entry.start() || !entry.path().startsWith("/")) {
                throw new IllegalArgumentException("bundle entry " + entry + " (expected: an absolute path starting at "
                        + next + " with end >= start)");
            }
            entries.add(entry);
            next = entry.end();
        }
        if (entries.isEmpty() || next != dataSize) {
            throw new IllegalArgumentException("bundle entries cover " + next + " bytes (expected: " + dataSize + ")");
        }
        return entries;
    }

    static String format(List<Entry> entries, long dataSize) {
        StringBuilder text = new StringBuilder("# pglite.data ").append(dataSize).append('\n');
        for (Entry entry : entries) {
            text.append(entry.start()).append('\t').append(entry.end()).append('\t').append(entry.path()).append('\n');
        }
        return text.toString();
    }
}
