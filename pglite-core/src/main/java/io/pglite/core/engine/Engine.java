package io.pglite.core.engine;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import io.pglite.core.wasm.EmscriptenImports;
import io.pglite.core.wasm.EmscriptenRuntime;
import io.pglite.core.wasm.FileSystemImports;
import io.pglite.core.wasm.ProcessExit;
import io.pglite.core.wasm.TrackedMemory;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL backend: a PGlite wasm instance with its file system, driven through the
 * wire protocol. Not thread-safe: an engine is confined to the thread that started it.
 *
 * <p>Lifecycle, as PGlite's own host does it: C constructors, protocol callbacks into the function
 * table, {@code main} in single-user mode (ends with {@code exit(99)}), {@code pgl_startPGlite};
 * then per message {@code PostgresMainLoopOnce} until the input is consumed; on close the
 * {@code atexit} hooks write the shutdown checkpoint.
 */
public final class Engine {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int INITIAL_PAGES = 2048;
    private static final byte[] NOTHING = new byte[0];
    /** How many backends ran PostgreSQL's start-up in this JVM; tests check that clones skip it. */
    static final AtomicInteger startUps = new AtomicInteger();
    private static final AtomicBoolean PRELOADED = new AtomicBoolean();

    /** PGlite's single-user start parameters, before {@code [-F] -D <PGDATA> <database>}. */
    private static final List<String> START_PARAMS = List.of(
            "--single", "-O", "-j",
            "-c", "search_path=public",
            "-c", "exit_on_error=false",
            "-c", "log_checkpoints=false",
            "-c", "max_worker_processes=0",
            "-c", "max_parallel_workers=0",
            "-c", "max_parallel_workers_per_gather=0",
            "-c", "io_method=sync",
            "-c", "max_parallel_maintenance_workers=0",
            "-c", "shared_buffers=16MB");

    private final String name;
    private final InstanceFiles files;
    private final EmscriptenRuntime runtime = new EmscriptenRuntime();
    private final Object cancelLock = new Object();
    private Instance instance;
    private TrackedMemory memory;
    private byte[] input = NOTHING;
    private int inputPosition;
    private Wire wire;
    private Exports exports;
    /** Addresses of PostgreSQL's {@code InterruptPending} and {@code QueryCancelPending} flags. */
    private int interruptPending;
    private int queryCancelPending;
    private boolean running;
    /** The last snapshot of another engine restored here, and a snapshot of this engine in that state. */
    private EngineSnapshot adoptedFrom;
    private EngineSnapshot adopted;
    /** The database the backend has open: the one it started on, or a restored snapshot's. */
    private String database;

    private Engine(String name, InstanceFiles files) {
        this.name = name;
        this.files = files;
    }

    /**
     * On the JVM's first start, runs {@code alongside} (say, reading a start image) on one thread,
     * and allocates the wasm memory of an engine with {@code settings}, then parses the compiled
     * module, on another, so that they overlap with what the starting thread does meanwhile (the
     * server). Does nothing later.
     *
     * @throws EngineStartException when pglite-wasm is not on the class path
     */
    public static void preload(EngineSettings settings, Runnable alongside) {
        if (PRELOADED.get()) {
            return;
        }
        EngineModule.requireCompiledModule(); // here, not in the background: the start fails with this message
        if (PRELOADED.compareAndSet(false, true)) {
            daemon("pglite-preload-1", alongside);
            daemon("pglite-preload-2", () -> {
                TrackedMemory.reserve(memoryLimits(settings));
                EngineModule.module();
            });
        }
    }

    /** Runs {@code task} on a daemon thread; what it fails with, the start that needs its result fails with too. */
    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> name + ": " + e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static MemoryLimits memoryLimits(EngineSettings settings) {
        return new MemoryLimits(INITIAL_PAGES, settings.maxMemoryPages());
    }

    /**
     * Instantiates PGlite over {@code files} and runs the backend's start-up.
     *
     * @throws EngineStartException with the backend's own messages when it does not start
     */
    public static Engine start(String name, InstanceFiles files, EngineSettings settings) {
        Engine engine = new Engine(name, files);
        engine.boot(settings);
        return engine;
    }

    /**
     * Instantiates PGlite over {@code files} and makes it a clone of {@code snapshot}'s backend,
     * without the start-up: the snapshot holds everything it did (memory, files, cwd, descriptors,
     * linked modules), so running it would be thrown away by the restore.
     *
     * @throws IllegalArgumentException when the snapshot's memory exceeds the ceiling of {@code settings}
     */
    public static Engine startFrom(String name, InstanceFiles files, EngineSettings settings, EngineSnapshot snapshot) {
        Engine engine = new Engine(name, files);
        long t0 = System.nanoTime();
        engine.instantiate(settings);
        long t1 = System.nanoTime();
        engine.restore(snapshot);
        long t2 = System.nanoTime();
        LOG.log(Level.DEBUG, () -> String.format("%s: instantiate %d ms, restore of %s %d ms",
                name, (t1 - t0) / 1_000_000, snapshot.source, (t2 - t1) / 1_000_000));
        return engine;
    }

    private void boot(EngineSettings settings) {
        long t0 = System.nanoTime();
        instantiate(settings);
        long t2 = System.nanoTime();
        startUps.incrementAndGet();
        database = settings.database();
        int status = runMain(settings);
        if (status != ProcessExit.STARTED) {
            files.closeDescriptors();
            throw new EngineStartException(name + ": PostgreSQL did not start (exit status " + status + ")"
                    + files.recentLog());
        }
        instance.export("pgl_startPGlite").apply();
        long t3 = System.nanoTime();
        LOG.log(Level.DEBUG, () -> String.format("%s: instantiate %d ms, start-up %d ms",
                name, (t2 - t0) / 1_000_000, (t3 - t2) / 1_000_000));
    }

    /**
     * A table with limits of its own: Chicory's {@code TableInstance.grow} raises the limits object
     * it was made with, which would otherwise be the shared module's, so that every engine growing
     * its table (the callbacks, side modules) would make every later engine's table start larger.
     */
    private static TableInstance ownTable(Table table, int initialSize) {
        TableLimits limits = table.limits();
        return new TableInstance(new Table(table.elementType(), new TableLimits(limits.min(), limits.max())), initialSize);
    }

    /** Slots in the function table now, for tests. */
    int tableSize() {
        return runtime.table().size();
    }

    /** The module instantiated, its constructors run and the protocol callbacks installed: ready for main or a restore. */
    private void instantiate(EngineSettings settings) {
        memory = TrackedMemory.create(memoryLimits(settings));
        var module = EngineModule.module();
        ImportValues imports = EmscriptenImports.forModule(module, runtime, memory,
                files.hostFunctions(runtime::memalign), environment(settings), SideModules::find);
        instance = Instance.builder(module)
                .withImportValues(imports)
                .withMachineFactory(EngineModule::machine)
                .withTableFactory(Engine::ownTable)
                .withInitialize(false)
                .build();
        runtime.bind(instance);
        exports = new Exports(instance);
        instance.initialize(true);
        interruptPending = exportedAddress("InterruptPending");
        queryCancelPending = exportedAddress("QueryCancelPending");
        exports.callCtors.apply();
        ProtocolCallbacks callbacks = ProtocolCallbacks.install(instance, new CallbackHandler());
        runtime.callbacks(callbacks.helper);
        instance.export("pgl_set_rw_cbs").apply(callbacks.slots[0], callbacks.slots[1]);
        instance.export("pgl_set_system_fn").apply(callbacks.slots[2]);
        instance.export("pgl_set_popen_fn").apply(callbacks.slots[3]);
        instance.export("pgl_set_pclose_fn").apply(callbacks.slots[4]);
        exports.setActive.apply(1);
    }

    /** The address a global export holds (PostgreSQL's C variables are exported that way). */
    private int exportedAddress(String name) {
        var section = instance.module().exportSection();
        for (int i = 0; i < section.exportCount(); i++) {
            var export = section.getExport(i);
            if (export.name().equals(name) && export.exportType() == com.dylibso.chicory.wasm.types.ExternalType.GLOBAL) {
                return (int) instance.global(export.index()).getValue();
            }
        }
        throw new EngineStartException(this.name + ": the PGlite module does not export " + name);
    }

    private static List<String> environment(EngineSettings settings) {
        return List.of(
                "USER=" + settings.user(), "LOGNAME=" + settings.user(), "PATH=/", "PWD=/",
                "HOME=/home/postgres", "LANG=en_US.UTF-8", "_=/pglite/bin/postgres",
                "PGDATA=/pglite/data", "PGUSER=" + settings.user(), "PGDATABASE=" + settings.database(),
                "LC_CTYPE=en_US.UTF-8", "LC_COLLATE=en_US.UTF-8", "TZ=UTC", "PGTZ=UTC",
                "PGCLIENTENCODING=UTF8", "ICU_DATA=/pglite/icu");
    }

    /** Calls {@code main(argc, argv)} as Emscripten's {@code callMain} does; returns the exit status. */
    private int runMain(EngineSettings settings) {
        String database = settings.database();
        List<String> args = new ArrayList<>();
        args.add("/pglite/bin/postgres");
        args.addAll(START_PARAMS);
        if (!settings.fsync()) {
            args.add("-F");
        }
        if (!settings.preloadLibraries().isEmpty()) {
            args.addAll(List.of("-c", "shared_preload_libraries=" + String.join(",", settings.preloadLibraries())));
        }
        args.addAll(List.of("-D", "/pglite/data", database));
        int argv = runtime.stackAlloc((args.size() + 1) * 4);
        for (int i = 0; i < args.size(); i++) {
            memory.writeI32(argv + 4 * i, runtime.stackString(args.get(i)));
        }
        memory.writeI32(argv + 4 * args.size(), 0);
        try {
            return (int) instance.export("__main_argc_argv").apply(args.size(), argv)[0];
        } catch (ProcessExit exit) {
            return exit.status();
        }
    }

    /**
     * Sends wire-protocol bytes (one or more frontend messages, or a startup packet) to the backend
     * and returns everything it answered. A {@code COPY FROM STDIN} gets a {@code CopyFail}: there is
     * no client to send the data.
     */
    public byte[] exchange(byte[] message) {
        ByteArrayOutputStream output = new ByteArrayOutputStream(256);
        exchange(message, new Wire() {
            @Override
            public void write(byte[] buffer, int offset, int length) {
                output.write(buffer, offset, length);
            }

            @Override
            public byte[] awaitInput() {
                return FrontendMessages.copyFail(FrontendMessages.NO_COPY_CLIENT);
            }
        });
        return output.toByteArray();
    }

    /**
     * Sends wire-protocol bytes to the backend and streams its answer to {@code wire}, up to the
     * point where the input is consumed ({@code ReadyForQuery} when the input ended with a
     * {@code Query} or {@code Sync}). A startup packet is answered with the backend's
     * connection data.
     */
    public void exchange(byte[] message, Wire wire) {
        if (message.length == 0 || message[0] == 'X') {
            return; // Terminate ends a client session, not the backend
        }
        this.wire = wire;
        input = message;
        inputPosition = 0;
        try {
            if (message[0] == 0) {
                int port = (int) exports.myProcPort.apply()[0];
                int result = (int) exports.processStartupPacket.apply(port, 1, 1)[0];
                if (result == 0) {
                    exports.sendConnData.apply();
                }
                exports.flush.apply();
            } else {
                setRunning(true);
                while (inputPosition < input.length || exports.remainingData.apply()[0] > 0) {
                    mainLoopOnce();
                }
                exports.sendReadyForQuery.apply();
                exports.flush.apply();
            }
        } finally {
            setRunning(false);
            input = NOTHING;
            this.wire = null;
        }
    }

    private void mainLoopOnce() {
        int stack = runtime.stackPointer();
        try {
            exports.mainLoopOnce.apply();
        } catch (ProcessExit exit) {
            runtime.restoreStack(stack);
            if (exit.status() != ProcessExit.ERROR_UNWOUND) {
                throw new EngineFailure(name + ": the PostgreSQL backend exited with status "
                        + exit.status() + files.recentLog(), exit);
            }
            exports.longJmp.apply();
        }
    }

    /**
     * Asks the statement that runs now to stop with "canceling statement due to user request"
     * (SQLSTATE 57014), as a CancelRequest does; callable from any thread. Does nothing when the
     * backend is idle, so a late request cannot cancel the next statement.
     */
    public void cancel() {
        synchronized (cancelLock) {
            if (running) {
                memory.writeI32(queryCancelPending, 1);
                memory.writeI32(interruptPending, 1);
                runtime.interruptSleep();
            }
        }
    }

    private void setRunning(boolean value) {
        synchronized (cancelLock) {
            running = value;
            if (!value) {
                memory.writeI32(queryCancelPending, 0); // a request that came too late
            }
        }
    }

    /**
     * Captures the backend as it is now; it must be idle (between exchanges, outside a transaction).
     *
     * @throws UnsupportedOperationException when its data directory is on disk
     */
    public EngineSnapshot snapshot() {
        if (inTransactionBlock()) {
            throw new IllegalStateException(name + " is inside a transaction; a snapshot is taken between transactions");
        }
        FileSystemImports.Snapshot fileState = files.capture(); // first: it may refuse
        long[] globals = new long[instance.globalCount()];
        for (int i = 0; i < globals.length; i++) {
            globals[i] = instance.global(i).getValue();
        }
        return new EngineSnapshot(name, database, memory.capture(), globals, runtime.linker().capture(), fileState);
    }

    /**
     * Puts the backend back exactly as {@code snapshot} found it: memory (only what changed since,
     * when the snapshot was taken or last restored here), globals, linked modules, files and
     * descriptors. A snapshot of another engine makes this one a clone of it, with the database the
     * snapshot's backend had open.
     *
     * @throws IllegalArgumentException when the snapshot's memory exceeds this engine's ceiling
     */
    public void restore(EngineSnapshot snapshot) {
        if (snapshot == adoptedFrom) {
            restoreState(adopted);
            return;
        }
        boolean foreign = !files.owns(snapshot.files);
        restoreState(snapshot);
        if (foreign) {
            // copying another instance's files and modules costs tens of ms per restore on a real
            // schema; a snapshot of the copy, taken now, restores in place like an own one
            adoptedFrom = null;
            adopted = snapshot();
            adoptedFrom = snapshot;
        }
    }

    private void restoreState(EngineSnapshot snapshot) {
        if (snapshot.globals.length != instance.globalCount()) {
            // a build whose key did not change although its module did: refuse before touching anything
            throw new IllegalArgumentException("the snapshot of " + snapshot.source + " holds " + snapshot.globals.length
                    + " wasm globals, this engine build has " + instance.globalCount() + ": it was taken with another"
                    + " build of pglite-wasm. Take the snapshot again (delete cached snapshot files)");
        }
        if (snapshot.memory.pages() > memory.maximumPages()) {
            throw new IllegalArgumentException("the snapshot of " + snapshot.source + " needs " + snapshot.memory.pages()
                    + " pages of wasm memory, more than the ceiling of " + name + " (" + memory.maximumPages() + ")");
        }
        files.restore(snapshot.files);
        runtime.linker().restore(snapshot.linker); // before the memory: linking a clone's modules writes their data
        memory.restore(snapshot.memory);
        for (int i = 0; i < snapshot.globals.length; i++) {
            var global = instance.global(i);
            if (global.getValue() != snapshot.globals[i]) {
                global.setValue(snapshot.globals[i]);
            }
        }
        database = snapshot.database;
    }

    /** Whether the backend is inside an explicit transaction block. */
    public boolean inTransactionBlock() {
        return exports.isTransactionBlock.apply()[0] != 0;
    }

    /**
     * Ends the backend: with {@code clean}, runs its shutdown hooks (the checkpoint, removal of
     * {@code postmaster.pid}); in any case closes the files it left open.
     */
    public void close(boolean clean) {
        try {
            if (clean) {
                exports.setActive.apply(0);
                instance.export("pgl_run_atexit_funcs").apply();
                instance.export("__funcs_on_exit").apply();
            }
        } catch (ProcessExit exit) {
            LOG.log(Level.DEBUG, "{0}: shutdown ended with exit status {1}", name, exit.status());
        } finally {
            files.closeDescriptors();
            memory.release();
        }
    }

    /** Bytes of wasm linear memory in use. */
    public long memoryBytes() {
        return (long) memory.pages() * 65536;
    }

    private final class CallbackHandler implements ProtocolCallbacks.Handler {
        @Override
        public int read(int pointer, int max) {
            if (inputPosition == input.length && wire != null) {
                input = wire.awaitInput();
                inputPosition = 0;
            }
            int count = Math.min(max, input.length - inputPosition);
            if (count > 0) {
                memory.write(pointer, input, inputPosition, count);
                inputPosition += count;
            }
            return count;
        }

        @Override
        public int write(int pointer, int length) {
            if (wire == null) {
                // outside an exchange (an error in the shutdown hooks): no client to tell; the log has it
                LOG.log(Level.DEBUG, "{0}: dropped {1} bytes the backend wrote outside an exchange", name, length);
                return length;
            }
            wire.write(memory.readBytes(pointer, length), 0, length);
            return length;
        }

        @Override
        public int system(int command) {
            LOG.log(Level.DEBUG, "{0}: ignored system({1})", name, EmscriptenRuntime.cString(memory, command));
            return 1;
        }

        /** Only {@code locale -a} is answered, from a file of the data bundle, as PGlite does. */
        @Override
        public int popen(int command, int mode) {
            String text = EmscriptenRuntime.cString(memory, command);
            if (!"locale -a".equals(text)) {
                LOG.log(Level.DEBUG, "{0}: refused popen({1})", name, text);
                return 0;
            }
            int stack = runtime.stackPointer();
            try {
                return (int) instance.export("fopen").apply(
                        runtime.stackString("/pglite/locale-a"), runtime.stackString("r"))[0];
            } finally {
                runtime.restoreStack(stack);
            }
        }

        @Override
        public int pclose(int stream) {
            return (int) instance.export("fclose").apply(stream)[0];
        }
    }

    /** The lifecycle exports, looked up once. */
    private static final class Exports {
        final ExportFunction callCtors;
        final ExportFunction setActive;
        final ExportFunction myProcPort;
        final ExportFunction processStartupPacket;
        final ExportFunction sendConnData;
        final ExportFunction flush;
        final ExportFunction mainLoopOnce;
        final ExportFunction longJmp;
        final ExportFunction sendReadyForQuery;
        final ExportFunction remainingData;
        final ExportFunction isTransactionBlock;

        Exports(Instance instance) {
            callCtors = instance.export("__wasm_call_ctors");
            setActive = instance.export("pgl_setPGliteActive");
            myProcPort = instance.export("pgl_getMyProcPort");
            processStartupPacket = instance.export("ProcessStartupPacket");
            sendConnData = instance.export("pgl_sendConnData");
            flush = instance.export("pgl_pq_flush");
            mainLoopOnce = instance.export("PostgresMainLoopOnce");
            longJmp = instance.export("PostgresMainLongJmp");
            sendReadyForQuery = instance.export("PostgresSendReadyForQueryIfNecessary");
            remainingData = instance.export("pq_buffer_remaining_data");
            isTransactionBlock = instance.export("IsTransactionBlock");
        }
    }
}
