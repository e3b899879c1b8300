package io.pglite.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records, and on later builds checks, which inputs pglite-wasm's Chicory AOT output was made from. pglite-wasm
 * recompiles only while the stamp is missing (the stamp is recorded right after the compile); when the stamp exists
 * the output is reused, and this check fails the build if the inputs changed since (another PGlite or Chicory
 * version, other interpreted functions) instead of packaging classes that do not match the wasm.
 *
 * <p>Options: {@code --action record|verify --stamp FILE --key KEY}.
 */
public final class AotStamp {

    private AotStamp() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Path stamp = options.path("stamp");
        String key = options.string("key");
        switch (options.string("action")) {
            case "record" -> {
                BuildFiles.writeStamp(stamp, key);
                System.out.println("[AotStamp] recorded " + stamp);
            }
            case "verify" -> verify(stamp, key);
            default -> throw new IllegalArgumentException("--action: " + options.string("action")
                    + " (expected: record or verify)");
        }
    }

    static void verify(Path stamp, String key) throws IOException {
        if (!BuildFiles.stampMatches(stamp, key)) {
            String recorded = Files.isRegularFile(stamp) ? Files.readString(stamp, StandardCharsets.UTF_8) : "nothing";
            throw new IllegalStateException(stamp + " records AOT classes made from [" + recorded + "] (expected: ["
                    + key + "]). Recompile them: mvn -pl pglite-wasm -am install -Paot-compile");
        }
        System.out.println("[AotStamp] AOT classes match " + stamp);
    }
}
