package io.pglite.core.fs;

import java.util.List;
import java.util.Random;

/** Builds the namespace of {@link FileSystem#forPglite}. */
final class PgliteLayout {
    private static final List<String> DIRECTORIES = List.of("tmp", "home", "dev/shm", "proc/self/fd", "pglite");

    private PgliteLayout() {
    }

    static void build(FileSystem fs, MemoryDirectory root, DataBundle bundle, Volume cluster, Random random) {
        try {
            bundle.addTo(root);
            for (String directory : DIRECTORIES) {
                root.makeDirectories(directory, 0755);
            }
            MemoryDirectory dev = root.makeDirectories("dev", 0755);
            Device randomBytes = new RandomDevice(random);
            dev.attach("null", new DeviceNode(root.volume(), 0666, new NullDevice()));
            dev.attach("tty", new DeviceNode(root.volume(), 0666, new NullDevice()));
            dev.attach("random", new DeviceNode(root.volume(), 0666, randomBytes));
            dev.attach("urandom", new DeviceNode(root.volume(), 0666, randomBytes));
            chmodIfPresent(fs, "/pglite/bin/postgres", 0555);
            chmodIfPresent(fs, "/pglite/bin/initdb", 0555);
            chmodIfPresent(fs, "/home/postgres/.pgpass", 0600);
            ((MemoryDirectory) root.lookup("pglite")).attach("data", cluster.root());
        } catch (ErrnoException e) {
            throw new IllegalArgumentException("the data bundle clashes with the standard layout: " + e.getMessage(), e);
        }
    }

    /** As PGlite does after unpacking the bundle; a bundle without the file (in tests) is fine. */
    private static void chmodIfPresent(FileSystem fs, String path, int permissions) throws ErrnoException {
        try {
            fs.chmod(path, permissions, true);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }

    /** {@code /dev/null} and {@code /dev/tty}: reads end at once, writes vanish. */
    private static final class NullDevice implements Device {
        @Override
        public int read(byte[] into, int offset, int length) {
            return 0;
        }

        @Override
        public int write(byte[] from, int offset, int length) {
            return length;
        }
    }

    /** {@code /dev/random} and {@code /dev/urandom}: bytes from the injected source; writes vanish. */
    private static final class RandomDevice implements Device {
        private final Random random;

        RandomDevice(Random random) {
            this.random = random;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            System.arraycopy(bytes, 0, into, offset, length);
            return length;
        }

        @Override
        public int write(byte[] from, int offset, int length) {
            return length;
        }
    }
}
