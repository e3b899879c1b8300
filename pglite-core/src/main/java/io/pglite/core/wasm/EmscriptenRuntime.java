package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import java.nio.charset.StandardCharsets;

/**
 * The exports of the main module that the host imports call back into: the shadow stack, the
 * setjmp state, the allocator. Bound once, right after the main instance is built and before any
 * of its code runs.
 */
public final class EmscriptenRuntime {
    private Instance main;
    private ExportFunction stackGetCurrent;
    private ExportFunction stackRestore;
    private ExportFunction stackAlloc;
    private ExportFunction setThrew;
    private ExportFunction malloc;
    private ExportFunction calloc;
    private ExportFunction memalign;
    private ExportFunction tempRetGet;
    private ExportFunction tempRetSet;
    private DynamicLinkImports linker;
    private Instance callbacks;
    /** Set from any thread to end a sleep in progress; see {@link #interruptSleep()}. */
    private volatile boolean sleepInterrupted;

    /** Looks up the exports the imports need; must be called before the module's code runs. */
    public void bind(Instance instance) {
        this.main = instance;
        stackGetCurrent = instance.export("emscripten_stack_get_current");
        stackRestore = instance.export("_emscripten_stack_restore");
        stackAlloc = instance.export("_emscripten_stack_alloc");
        setThrew = instance.export("setThrew");
        malloc = instance.export("malloc");
        calloc = instance.export("calloc");
        memalign = instance.export("emscripten_builtin_memalign");
        tempRetGet = instance.export("_emscripten_tempret_get");
        tempRetSet = instance.export("_emscripten_tempret_set");
    }

    /**
     * Ends a sleep the backend is in ({@code pg_sleep}, a latch wait): PGlite's libc sleeps by
     * polling the monotonic clock, so the clock jumps past any deadline once. Callable from any
     * thread; a monotonic clock may jump forward, so nothing else is misled.
     */
    public void interruptSleep() {
        sleepInterrupted = true;
    }

    /** Whether a sleep was interrupted since the last call (clock imports, engine thread). */
    boolean takeSleepInterrupt() {
        if (sleepInterrupted) {
            sleepInterrupted = false;
            return true;
        }
        return false;
    }

    void linker(DynamicLinkImports linker) {
        this.linker = linker;
    }

    /** The side-module linker of this instance, whose state a snapshot captures. */
    public DynamicLinkImports linker() {
        return linker;
    }

    /** Records the instance of the host callbacks placed in the table (they are not the main module's). */
    public void callbacks(Instance callbacks) {
        this.callbacks = callbacks;
    }

    Instance callbacks() {
        return callbacks;
    }

    /** The main module's instance. */
    public Instance main() {
        return main;
    }

    /** The linear memory shared by the main module and its side modules. */
    public Memory memory() {
        return main.memory();
    }

    /** The indirect function table shared by the main module and its side modules. */
    public TableInstance table() {
        return main.table(0);
    }

    /** Current shadow-stack pointer. */
    public int stackPointer() {
        return (int) stackGetCurrent.apply()[0];
    }

    /** Sets the shadow-stack pointer back, e.g. after an exit or longjmp unwound wasm frames. */
    public void restoreStack(int pointer) {
        stackRestore.apply(pointer);
    }

    /** Allocates {@code size} bytes (16-byte aligned) on the shadow stack. */
    public int stackAlloc(int size) {
        return (int) stackAlloc.apply(size)[0];
    }

    void setThrew(int threw, int value) {
        setThrew.apply(threw, value);
    }

    int malloc(int size) {
        return (int) malloc.apply(size)[0];
    }

    int calloc(int count, int size) {
        return (int) calloc.apply(count, size)[0];
    }

    /** {@code memalign} of the module's allocator; 0 when out of memory. */
    public int memalign(int alignment, int size) {
        return (int) memalign.apply(alignment, size)[0];
    }

    int tempRet() {
        return (int) tempRetGet.apply()[0];
    }

    void setTempRet(int value) {
        tempRetSet.apply(value);
    }

    /**
     * Raises a PostgreSQL ERROR from inside a host function, the way C code does with
     * {@code ereport(ERROR, ...)}: the error unwinds to the backend's main loop, the statement fails
     * with {@code sqlState} and {@code message}, and the backend stays usable. Only valid while the
     * backend is executing a statement. Never returns normally.
     */
    public RuntimeException raisePostgresError(String sqlState, String message) {
        final int error = 21; // elog.h: ERROR
        main.export("errstart").apply(error, 0);
        int code = 0;
        for (int i = 0; i < 5; i++) {
            code |= ((sqlState.charAt(i) - '0') & 0x3f) << (6 * i);
        }
        main.export("errcode").apply(code);
        // errmsg_internal(fmt, ...) copies the message; a message without '%' needs no arguments
        main.export("errmsg_internal").apply(heapString(message.replace("%", "%%")), 0);
        main.export("errfinish").apply(heapString("pglite-host"), 0, heapString("host"));
        return new WasmAbort("PostgreSQL did not unwind after raising: " + message);
    }

    /** Copies a string into memory from {@code malloc}; for strings PostgreSQL keeps pointers to. */
    private int heapString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int address = malloc(bytes.length + 1);
        memory().write(address, bytes);
        memory().writeByte(address + bytes.length, (byte) 0);
        return address;
    }

    /** Copies a string, NUL-terminated, onto the shadow stack and returns its address. */
    public int stackString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int address = stackAlloc(bytes.length + 1);
        Memory memory = memory();
        memory.write(address, bytes);
        memory.writeByte(address + bytes.length, (byte) 0);
        return address;
    }

    /** Reads a NUL-terminated UTF-8 string; {@code null} for address 0. */
    public static String cString(Memory memory, int address) {
        if (address == 0) {
            return null;
        }
        int end = address;
        while (memory.read(end) != 0) {
            end++;
        }
        return new String(memory.readBytes(address, end - address), StandardCharsets.UTF_8);
    }
}
