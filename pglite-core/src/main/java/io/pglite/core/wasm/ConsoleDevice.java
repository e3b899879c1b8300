package io.pglite.core.wasm;

import io.pglite.core.fs.Device;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Standard input, output or error of the process: input is always at its end; output is cut into
 * lines (UTF-8, without the line feed) for a sink, and a last unfinished line is delivered on close.
 */
final class ConsoleDevice implements Device {
    private final Consumer<String> lines;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    ConsoleDevice(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        return 0;
    }

    @Override
    public int write(byte[] from, int offset, int length) {
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            if (from[i] == '\n') {
                pending.write(from, start, i - start);
                deliver();
                start = i + 1;
            }
        }
        pending.write(from, start, offset + length - start);
        return length;
    }

    @Override
    public void close() {
        if (pending.size() > 0) {
            deliver();
        }
    }

    private void deliver() {
        String line = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        lines.accept(line);
    }
}
