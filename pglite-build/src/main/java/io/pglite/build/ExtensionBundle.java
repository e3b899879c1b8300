package io.pglite.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Builds the engine's file bundle: PGlite's {@code pglite.data} plus the files of every extension archive
 * ({@code *.tar.gz}: control and SQL files, text-search data, side modules), so that {@code CREATE EXTENSION} finds
 * them in any instance. Side modules ({@code .so}) are written empty: the engine runs the classes
 * {@link SideModuleCompiler} made of them, and PostgreSQL only checks that the file exists.
 *
 * <p>Writes {@code pglite.data}, its manifest ({@code # pglite.data <size>}, then {@code <start>\t<end>\t<path>}
 * lines) and {@code extensions.tsv}, the catalog of what {@code CREATE EXTENSION} and {@code LOAD} accept:
 * {@code <name>\t<default version>\t<archive>\t<requires>\t<comment>} (version and comment empty for a module
 * without a control file, which only {@code LOAD} takes).
 *
 * <p>Options: {@code --js pglite.js --data pglite.data --extensions DIR[,DIR...] --out DIR}.
 */
public final class ExtensionBundle {

    /** Where PGlite's installation lives in the engine's file system. */
    static final String PREFIX = "/pglite/";
    /** Archive entries installed; headers and documentation are left out. */
    private static final List<String> INSTALLED = List.of("share/postgresql/", "lib/postgresql/");
    private static final Pattern SETTING = Pattern.compile("^\\s*(\\w+)\\s*=\\s*'([^']*)'", Pattern.MULTILINE);

    private ExtensionBundle() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Path out = options.path("out");
        Files.createDirectories(out);
        Map<String, byte[]> files = files(options.path("js"), options.path("data"), directories(options.string("extensions")));
        ByteArrayOutputStream data = new ByteArrayOutputStream(8 << 20);
        List<BundleManifest.Entry> entries = new ArrayList<>();
        files.forEach((path, content) -> {
            long start = data.size();
            if (!path.endsWith(".so")) {
                data.writeBytes(content);
            }
            entries.add(new BundleManifest.Entry(path, start, data.size()));
        });
        boolean written = BuildFiles.writeIfChanged(out.resolve("pglite.data"), data.toByteArray());
        BuildFiles.writeIfChanged(out.resolve("pglite.manifest"),
                BundleManifest.format(entries, data.size()).getBytes(StandardCharsets.UTF_8));
        String catalog = catalog(directories(options.string("extensions")));
        BuildFiles.writeIfChanged(out.resolve("extensions.tsv"), catalog.getBytes(StandardCharsets.UTF_8));
        System.out.println("[ExtensionBundle] " + entries.size() + " files, " + data.size() + " bytes, "
                + (catalog.lines().count() - 1) + " extensions and modules" + (written ? ", written" : ", up to date"));
    }

    static List<Path> directories(String list) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : list.split(",")) {
            dirs.add(Path.of(dir.strip()));
        }
        return dirs;
    }

    /**
     * Every file of the bundle by its absolute path: PGlite's, in the glue's order, then each archive's (archives
     * in name order). An archive may not replace a file.
     */
    static Map<String, byte[]> files(Path glue, Path data, List<Path> extensionDirs) throws IOException {
        byte[] bytes = Files.readAllBytes(data);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (BundleManifest.Entry entry : BundleManifest.parse(Files.readString(glue, StandardCharsets.UTF_8), bytes.length)) {
            files.put(entry.path(), java.util.Arrays.copyOfRange(bytes, (int) entry.start(), (int) entry.end()));
        }
        for (Path archive : archives(extensionDirs)) {
            for (TarEntry entry : read(archive)) {
                if (entry.directory() || INSTALLED.stream().noneMatch(entry.path()::startsWith)) {
                    continue;
                }
                if (files.putIfAbsent(PREFIX + entry.path(), entry.content()) != null) {
                    throw new IllegalArgumentException(archive + ": " + entry.path() + " is already in the bundle");
                }
            }
        }
        return files;
    }

    /** The catalog lines, sorted by name, after a header line. */
    static String catalog(List<Path> extensionDirs) throws IOException {
        Map<String, String> lines = new TreeMap<>();
        for (Path archive : archives(extensionDirs)) {
            String archiveName = archive.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
            List<String> modules = new ArrayList<>();
            boolean controlled = false;
            for (TarEntry entry : read(archive)) {
                String path = entry.path();
                if (path.startsWith("share/postgresql/extension/") && path.endsWith(".control")) {
                    String name = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.control$", "");
                    Map<String, String> control = settings(new String(entry.content(), StandardCharsets.UTF_8));
                    lines.put(name, String.join("\t", name, control.getOrDefault("default_version", ""), archiveName,
                            control.getOrDefault("requires", ""), control.getOrDefault("comment", "")));
                    controlled = true;
                } else if (path.startsWith("lib/postgresql/") && path.endsWith(".so")) {
                    modules.add(path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.so$", ""));
                }
            }
            if (!controlled) {
                for (String module : modules) {
                    lines.put(module, String.join("\t", module, "", archiveName, "", ""));
                }
            }
        }
        StringBuilder text = new StringBuilder("# name\tdefault version\tarchive\trequires\tcomment\n");
        lines.values().forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private static Map<String, String> settings(String control) {
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher matcher = SETTING.matcher(control);
        while (matcher.find()) {
            settings.put(matcher.group(1), matcher.group(2));
        }
        return settings;
    }

    private static List<Path> archives(List<Path> dirs) throws IOException {
        Map<String, Path> archives = new TreeMap<>();
        for (Path dir : dirs) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path file : (Iterable<Path>) list::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".tar.gz") && archives.put(name, file) != null) {
                        throw new IllegalArgumentException("two archives named " + name + " in " + dirs);
                    }
                }
            }
        }
        return List.copyOf(archives.values());
    }

    private static List<TarEntry> read(Path archive) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            TarReader tar = new TarReader(in);
            for (TarEntry entry = tar.next(); entry != null; entry = tar.next()) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
