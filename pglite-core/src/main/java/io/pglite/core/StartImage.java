package io.pglite.core;

import io.pglite.core.engine.EngineSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The start image pglite-core's build writes into its jar: a snapshot of an in-memory instance
 * with the default settings (database {@code postgres}, no extensions, fsync off), taken after its
 * start, one {@code SELECT 1} and the loading of {@link #CACHED_TIME_ZONES}, whose catalog lookups
 * and zones every clone then finds cached. The JVM's
 * first such instance starts as a clone of it instead of running PostgreSQL's start-up; later ones
 * find it among the {@link PreparedImages}.
 */
final class StartImage {
    static final String RESOURCE = "start-image.snapshot";
    private static final System.Logger LOG = System.getLogger(StartImage.class.getName());
    /**
     * Time zones the image's backend has loaded besides its own (UTC): pgjdbc sets the JVM's zone at
     * every connection, and loading a zone's file was a third of a JVM's first connection (about
     * 100 ms of code the JVM had not run yet). PostgreSQL keeps a loaded zone for the backend's life,
     * so an instance cloned from the image finds these cached: the zones JVMs on CI machines and in
     * containers usually report ({@code UTC} is the backend's default and loaded anyway).
     */
    static final List<String> CACHED_TIME_ZONES = List.of("Etc/UTC", "GMT");
    /** What the image was started with, apart from the memory ceiling, which no image depends on. */
    private static final EngineSettings SETTINGS = new EngineSettings("postgres", DatabaseStart.POSTGRES, 0, false, List.of());

    private StartImage() {
    }

    /** Whether an instance with {@code settings} and {@code extensions} may start from the image. */
    static boolean serves(EngineSettings settings, List<String> extensions) {
        return extensions.isEmpty() && PreparedImages.keySettings(settings).equals(SETTINGS);
    }

    /** The image, read once per JVM; {@code null} when the jar has none or it belongs to another engine build. */
    static Snapshot get() {
        return Loaded.IMAGE;
    }

    private static final class Loaded {
        static final Snapshot IMAGE = load();
    }

    private static Snapshot load() {
        try (InputStream in = StartImage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                LOG.log(Level.DEBUG, "no start image in this pglite-core jar; instances run PostgreSQL's start-up");
                return null;
            }
            return Snapshot.readFrom(in, "the start image of pglite-core");
        } catch (IOException e) {
            LOG.log(Level.WARNING, () -> "start image not used, instances run PostgreSQL's start-up: " + e.getMessage()
                    + ". Use io.pglite:pglite-core and io.pglite:pglite-wasm of the same version");
            return null;
        }
    }

    /**
     * Build step: writes the image to {@code args[0]} unless the file there already belongs to this
     * engine build. Runs in a JVM of its own, before the image is on the class path.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        if (Files.isRegularFile(out)) {
            try (InputStream in = Files.newInputStream(out)) {
                Snapshot.readFrom(in, out.toString());
                System.out.println("[StartImage] " + out + " is up to date");
                return;
            } catch (IOException e) {
                Files.delete(out); // another build's: its instance must not start from it
            }
        }
        long started = System.nanoTime();
        try (Pglite pglite = Pglite.builder().withName("start-image").start()) {
            pglite.query("SELECT 1");
            for (String zone : CACHED_TIME_ZONES) {
                pglite.query("SELECT set_config('TimeZone', '" + zone + "', false)");
            }
            pglite.query("RESET TimeZone");
            Snapshot image = pglite.snapshot();
            Files.createDirectories(out.getParent());
            image.writeTo(out);
        }
        System.out.printf("[StartImage] wrote %s (%d KiB) in %d ms%n", out, Files.size(out) / 1024,
                (System.nanoTime() - started) / 1_000_000);
    }
}
