package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.Memory;
import io.pglite.core.fs.DirEntry;
import io.pglite.core.fs.FileType;
import io.pglite.core.fs.OpenFile;
import io.pglite.core.fs.Stat;
import java.nio.charset.StandardCharsets;

/** The C structures of Emscripten's wasm32 musl that the file syscalls fill in. */
final class SyscallStructs {
    /** {@code struct dirent}: Emscripten writes fixed-size records and counts positions in them. */
    static final int DIRENT_SIZE = 280;
    private static final int DIRENT_NAME_MAX = 255;
    private static final int BLOCK_SIZE = 4096;

    private SyscallStructs() {
    }

    /** {@code struct stat}, 96 bytes. */
    static void writeStat(Memory memory, int address, Stat stat) {
        memory.writeI32(address, (int) stat.device());
        memory.writeI32(address + 4, stat.mode());
        memory.writeI32(address + 8, stat.linkCount());
        memory.writeI32(address + 12, 0); // uid
        memory.writeI32(address + 16, 0); // gid
        memory.writeI32(address + 20, 0); // rdev
        memory.writeLong(address + 24, stat.size());
        memory.writeI32(address + 32, BLOCK_SIZE);
        memory.writeI32(address + 36, (int) ((stat.size() + BLOCK_SIZE - 1) / BLOCK_SIZE));
        writeTimespec(memory, address + 40, stat.accessTime());
        writeTimespec(memory, address + 56, stat.modifyTime());
        writeTimespec(memory, address + 72, stat.changeTime());
        memory.writeLong(address + 88, stat.inode());
    }

    /** {@code struct timespec}: i64 seconds, i32 nanoseconds, padded to 16 bytes. */
    private static void writeTimespec(Memory memory, int address, long nanos) {
        memory.writeLong(address, Math.floorDiv(nanos, 1_000_000_000L));
        memory.writeI32(address + 8, (int) Math.floorMod(nanos, 1_000_000_000L));
        memory.writeI32(address + 12, 0);
    }

    /** One {@code struct dirent}; {@code next} is the directory position after it, in records. */
    static void writeDirent(Memory memory, int address, DirEntry entry, int next) {
        memory.writeLong(address, entry.inode());
        memory.writeLong(address + 8, (long) next * DIRENT_SIZE);
        memory.writeShort(address + 16, (short) DIRENT_SIZE);
        memory.writeByte(address + 18, direntType(entry.type()));
        byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
        int length = Math.min(name.length, DIRENT_NAME_MAX);
        memory.write(address + 19, name, 0, length);
        memory.writeByte(address + 19 + length, (byte) 0);
    }

    private static byte direntType(FileType type) {
        return switch (type) {
            case FIFO -> 1;
            case CHARACTER_DEVICE -> 2;
            case DIRECTORY -> 4;
            case REGULAR -> 8;
            case SYMLINK -> 10;
        };
    }

    /** {@code struct statfs} with Emscripten's made-up capacity. */
    static void writeStatfs(Memory memory, int address) {
        memory.writeI32(address, 0); // f_type
        memory.writeI32(address + 4, BLOCK_SIZE); // f_bsize
        memory.writeLong(address + 8, 1_000_000); // f_blocks
        memory.writeLong(address + 16, 500_000); // f_bfree
        memory.writeLong(address + 24, 500_000); // f_bavail
        memory.writeLong(address + 32, 1_000_000); // f_files
        memory.writeLong(address + 40, 500_000); // f_ffree
        memory.writeI32(address + 48, 42); // f_fsid
        memory.writeI32(address + 52, 0);
        memory.writeI32(address + 56, DIRENT_NAME_MAX); // f_namelen
        memory.writeI32(address + 60, BLOCK_SIZE); // f_frsize
        memory.writeI32(address + 64, 0); // f_flags
    }

    /** WASI {@code fdstat}, 24 bytes: file type, fd flags, and (zero) rights. */
    static void writeFdstat(Memory memory, int address, OpenFile file) {
        byte type = switch (file.type()) {
            case CHARACTER_DEVICE -> 2;
            case DIRECTORY -> 3;
            case SYMLINK -> 7;
            case REGULAR, FIFO -> 4;
        };
        int flags = (file.append() ? 1 : 0) | (file.nonBlocking() ? 4 : 0);
        memory.writeByte(address, type);
        memory.writeByte(address + 1, (byte) 0);
        memory.writeShort(address + 2, (short) flags);
        memory.writeI32(address + 4, 0);
        memory.writeLong(address + 8, 0); // rights_base
        memory.writeLong(address + 16, 0); // rights_inheriting
    }
}
