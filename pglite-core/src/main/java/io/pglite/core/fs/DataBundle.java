package io.pglite.core.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * The read-only files PGlite ships in {@code pglite.data} (the share directory, time zones,
 * side modules, placeholders for the programs), built once per JVM and shared by every instance:
 * each instance's tree gets nodes over slices of the one array, and copies a file only if it
 * writes to it.
 *
 * <p>The manifest is text: a first line {@code # pglite.data <size in bytes>}, then one line
 * {@code <start>\t<end>\t<absolute path>} per file; directories are implied by the paths.
 */
public final class DataBundle {
    private static final String HEADER = "# pglite.data ";

    private final byte[] data;

    /** The bytes slices refer into, for snapshot files. */
    byte[] data() {
        return data;
    }
    private final List<File> files;

    private record File(String path, int start, int end) {
    }

    private DataBundle(byte[] data, List<File> files) {
        this.data = data;
        this.files = files;
    }

    /**
     * @param data the bytes of {@code pglite.data}; kept, not copied, and never written
     * @throws IllegalArgumentException if the manifest is malformed or does not match {@code data}
     */
    public static DataBundle of(byte[] data, String manifest) {
        String[] lines = manifest.split("\n");
        long size = declaredSize(lines[0]);
        if (size != data.length) {
            throw new IllegalArgumentException("pglite.data: " + data.length + " bytes (expected: " + size
                    + " as the manifest says)");
        }
        List<File> files = new ArrayList<>(lines.length);
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                files.add(parse(lines[i], i + 1, data.length));
            }
        }
        return new DataBundle(data, List.copyOf(files));
    }

    private static long declaredSize(String header) {
        if (header.startsWith(HEADER)) {
            try {
                return Long.parseLong(header.substring(HEADER.length()).trim());
            } catch (NumberFormatException e) {
                // reported below with the line
            }
        }
        throw new IllegalArgumentException("pglite.data manifest line 1: '" + header
                + "' (expected: " + HEADER + "<size>)");
    }

    private static File parse(String line, int number, int size) {
        String[] fields = line.split("\t");
        try {
            if (fields.length == 3 && fields[2].startsWith("/")) {
                int start = Integer.parseInt(fields[0]);
                int end = Integer.parseInt(fields[1]);
                if (0 <= start && start <= end && end <= size) {
                    return new File(fields[2], start, end);
                }
            }
        } catch (NumberFormatException e) {
            // reported below with the line
        }
        throw new IllegalArgumentException("pglite.data manifest line " + number + ": '" + line
                + "' (expected: <start>\\t<end>\\t<absolute path> within " + size + " bytes)");
    }

    /** Adds the bundle's files (mode 0644) and their directories (mode 0755) under {@code root}. */
    void addTo(MemoryDirectory root) throws ErrnoException {
        MemoryVolume volume = root.volume();
        long now = MemoryNode.now();
        for (File file : files) {
            int slash = file.path().lastIndexOf('/');
            MemoryDirectory parent = root.makeDirectories(file.path().substring(0, slash), 0755);
            BundleSlice content = new BundleSlice(data, file.start(), file.end() - file.start());
            parent.attach(file.path().substring(slash + 1), new MemoryFile(volume, 0644, now, content));
        }
    }
}
