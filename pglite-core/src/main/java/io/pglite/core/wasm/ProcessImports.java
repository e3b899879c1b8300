package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Process-level imports: environment, exit and abort, heap growth, randomness, user ids, and the
 * numeric-only name resolution that {@code pg_hba.conf} parsing needs.
 *
 * <p>Provides {@code wasi_snapshot_preview1.environ_sizes_get}, {@code environ_get},
 * {@code proc_exit}, {@code random_get}; {@code env.exit}, {@code _abort_js}, {@code __assert_fail},
 * {@code _emscripten_runtime_keepalive_clear}, {@code emscripten_resize_heap},
 * {@code emscripten_get_heap_max}, {@code getaddrinfo}, {@code getnameinfo}, the uid/gid syscalls
 * and the socket syscalls (which answer {@code ENOSYS}: wire bytes use the protocol callbacks).
 */
final class ProcessImports {
    private static final System.Logger LOG = System.getLogger(ProcessImports.class.getName());
    private static final String WASI = "wasi_snapshot_preview1";
    private static final int PAGE = 65536;
    private static final int ENOSYS = 52;
    private static final int EAI_NONAME = -2;
    private static final int EAI_FAMILY = -6;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final EmscriptenRuntime runtime;
    private final List<String> environment;
    private final int maxPages;
    private final Random random;

    /**
     * @param environment {@code KEY=VALUE} strings, read once by the C constructors
     * @param maxPages ceiling of the linear memory, in 64 KiB pages
     */
    ProcessImports(EmscriptenRuntime runtime, List<String> environment, int maxPages, Random random) {
        this.runtime = runtime;
        this.environment = List.copyOf(environment);
        this.maxPages = maxPages;
        this.random = random;
    }

    List<HostFunction> toHostFunctions() {
        List<HostFunction> f = new ArrayList<>();
        f.add(fn(WASI, "environ_sizes_get", i32s(2), true, (m, a) -> environSizes(m, (int) a[0], (int) a[1])));
        f.add(fn(WASI, "environ_get", i32s(2), true, (m, a) -> environGet(m, (int) a[0], (int) a[1])));
        f.add(fn(WASI, "random_get", i32s(2), true, (m, a) -> randomGet(m, (int) a[0], (int) a[1])));
        f.add(fn(WASI, "proc_exit", i32s(1), false, (m, a) -> {
            throw new ProcessExit((int) a[0]);
        }));
        f.add(fn("env", "exit", i32s(1), false, (m, a) -> {
            throw new ProcessExit((int) a[0]);
        }));
        f.add(fn("env", "_abort_js", List.of(), false, (m, a) -> {
            throw new WasmAbort("PostgreSQL called abort()");
        }));
        f.add(fn("env", "__assert_fail", i32s(4), false, (m, a) -> {
            throw new WasmAbort("assertion failed: " + EmscriptenRuntime.cString(m, (int) a[0])
                    + " at " + EmscriptenRuntime.cString(m, (int) a[1]) + ":" + a[2]
                    + " in " + EmscriptenRuntime.cString(m, (int) a[3]));
        }));
        f.add(fn("env", "_emscripten_runtime_keepalive_clear", List.of(), false, (m, a) -> 0));
        f.add(fn("env", "emscripten_resize_heap", i32s(1), true, (m, a) -> resizeHeap(m, Integer.toUnsignedLong((int) a[0]))));
        f.add(fn("env", "emscripten_get_heap_max", List.of(), true, (m, a) -> (int) Math.min((long) maxPages * PAGE, Integer.MAX_VALUE)));
        f.add(fn("env", "getaddrinfo", i32s(4), true, (m, a) -> getaddrinfo(m, (int) a[0], (int) a[1], (int) a[2], (int) a[3])));
        f.add(fn("env", "getnameinfo", i32s(7), true, (m, a) -> EAI_NONAME));
        for (String id : List.of("__syscall_getuid32", "__syscall_geteuid32", "__syscall_getgid32", "__syscall_getegid32")) {
            f.add(fn("env", id, List.of(), true, (m, a) -> 0));
        }
        for (String socketCall : List.of("__syscall_accept4", "__syscall_bind", "__syscall_connect",
                "__syscall_listen", "__syscall_recvfrom", "__syscall_sendto", "__syscall_socket")) {
            f.add(fn("env", socketCall, i32s(6), true, (m, a) -> -ENOSYS));
        }
        return f;
    }

    private int environSizes(Memory memory, int countPtr, int sizePtr) {
        int bytes = 0;
        for (String entry : environment) {
            bytes += entry.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        memory.writeI32(countPtr, environment.size());
        memory.writeI32(sizePtr, bytes);
        return 0;
    }

    private int environGet(Memory memory, int pointers, int buffer) {
        int at = buffer;
        for (int i = 0; i < environment.size(); i++) {
            byte[] bytes = environment.get(i).getBytes(StandardCharsets.UTF_8);
            memory.writeI32(pointers + 4 * i, at);
            memory.write(at, bytes);
            memory.writeByte(at + bytes.length, (byte) 0);
            at += bytes.length + 1;
        }
        return 0;
    }

    private int randomGet(Memory memory, int buffer, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        memory.write(buffer, bytes);
        return 0;
    }

    /** Emscripten's growth policy: up to 20 % over the old size, at most the request + 96 MiB. */
    int resizeHeap(Memory memory, long requested) {
        long oldSize = (long) memory.pages() * PAGE;
        long max = (long) maxPages * PAGE;
        if (requested > max) {
            LOG.log(Level.WARNING, "wasm memory ceiling reached: {0} bytes requested, limit {1}", requested, max);
            return 0;
        }
        for (int cutDown = 1; cutDown <= 4; cutDown *= 2) {
            long overGrown = Math.min((long) (oldSize * (1 + 0.2 / cutDown)), requested + 100_663_296L);
            long newSize = Math.min(max, alignUp(Math.max(requested, overGrown)));
            int pages = (int) (newSize / PAGE) - memory.pages();
            try {
                if (pages <= 0 || memory.grow(pages) >= 0) {
                    return 1;
                }
            } catch (OutOfMemoryError e) {
                // the JVM heap is full: PostgreSQL gets "out of memory" for this statement instead
                LOG.log(Level.WARNING, "the JVM heap cannot grow the wasm memory by {0} pages; raise -Xmx", pages);
            }
        }
        return 0;
    }

    private static long alignUp(long size) {
        return (size + PAGE - 1) / PAGE * PAGE;
    }

    /** Numeric hosts only, like Emscripten without a DNS: {@code pg_hba.conf} asks for 127.0.0.1 and ::1. */
    private int getaddrinfo(Memory memory, int nodePtr, int servicePtr, int hintsPtr, int outPtr) {
        String node = EmscriptenRuntime.cString(memory, nodePtr);
        if (node == null || !isNumericAddress(node)) {
            return EAI_NONAME;
        }
        int family = 0;
        int type = 0;
        int protocol = 0;
        if (hintsPtr != 0) {
            family = memory.readInt(hintsPtr + 4);
            type = memory.readInt(hintsPtr + 8);
            protocol = memory.readInt(hintsPtr + 12);
        }
        if (type != 0 && protocol == 0) {
            protocol = type == 2 ? 17 : 6;
        }
        if (type == 0) {
            type = protocol == 17 ? 2 : 1;
        }
        if (protocol == 0) {
            protocol = 6;
        }
        int port = 0;
        String service = EmscriptenRuntime.cString(memory, servicePtr);
        if (service != null) {
            try {
                port = Integer.parseInt(service);
            } catch (NumberFormatException e) {
                return EAI_NONAME;
            }
        }
        byte[] address;
        try {
            address = InetAddress.getByName(node).getAddress();
        } catch (UnknownHostException e) {
            return EAI_NONAME;
        }
        int addressFamily = address.length == 4 ? AF_INET : AF_INET6;
        if (family != 0 && family != addressFamily) {
            return EAI_FAMILY;
        }
        int sockaddrLength = addressFamily == AF_INET ? 16 : 28;
        int sockaddr = runtime.calloc(1, sockaddrLength);
        memory.writeShort(sockaddr, (short) addressFamily);
        memory.writeByte(sockaddr + 2, (byte) (port >>> 8));
        memory.writeByte(sockaddr + 3, (byte) port);
        memory.write(sockaddr + (addressFamily == AF_INET ? 4 : 8), address);
        int info = runtime.calloc(1, 32);
        memory.writeI32(info + 4, addressFamily);
        memory.writeI32(info + 8, type);
        memory.writeI32(info + 12, protocol);
        memory.writeI32(info + 16, sockaddrLength);
        memory.writeI32(info + 20, sockaddr);
        memory.writeI32(outPtr, info);
        return 0;
    }

    private static boolean isNumericAddress(String node) {
        return node.matches("[0-9.]+") || node.indexOf(':') >= 0 && node.matches("[0-9a-fA-F:.]+");
    }

    @FunctionalInterface
    interface Body {
        long apply(Memory memory, long[] args);
    }

    static List<ValType> i32s(int count) {
        List<ValType> types = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            types.add(ValType.I32);
        }
        return types;
    }

    /** A host function over the calling instance's memory with i32/void result. */
    static HostFunction fn(String module, String name, List<ValType> params, boolean returnsI32, Body body) {
        FunctionType type = FunctionType.of(params, returnsI32 ? List.of(ValType.I32) : List.of());
        return new HostFunction(module, name, type, (instance, args) -> {
            long result = body.apply(instance.memory(), args);
            return returnsI32 ? new long[] {result} : null;
        });
    }
}
