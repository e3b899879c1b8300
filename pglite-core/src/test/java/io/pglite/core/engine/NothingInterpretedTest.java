package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import io.pglite.wasm.PgliteModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every function of pglite.wasm and of its side modules is AOT-compiled: the module Chicory keeps for its interpreter
 * ({@code .meta}) holds a body only for interpreted functions and the stub {@code unreachable} for compiled ones, and
 * here every body is the stub. pglite-wasm's build splits the functions too large for a JVM method (FunctionSplitter)
 * so that none is left to the interpreter.
 */
class NothingInterpretedTest {

    @Test
    void everyBodyInTheMetaModuleIsTheCompiledStub() throws IOException {
        WasmModule module = withBodies("PgliteModule.meta");
        int bodies = module.codeSection().functionBodyCount();
        assertTrue(bodies > 13_725, bodies + " bodies (expected: pglite.wasm's 13,725 and the split-off ones)");
        assertEquals(List.of(), interpreted(module), "functions left to the interpreter");
    }

    @Test
    void everySideModuleIsCompiled() throws IOException {
        var paths = SideModules.paths();
        assertTrue(paths.size() >= 69, paths.size() + " side modules (expected: 28 of PostgreSQL's, 41 of extensions)");
        assertTrue(paths.contains("/pglite/lib/postgresql/plpgsql.so"), "plpgsql.so");
        assertTrue(paths.contains("/pglite/lib/postgresql/vector.so"), "vector.so");
        for (String path : paths) {
            WasmModule module = withBodies(SideModules.metaResource(path));
            assertTrue(module.codeSection().functionBodyCount() > 0, path);
            assertEquals(List.of(), interpreted(module), path + ": functions left to the interpreter");
        }
    }

    /** The module as Chicory parses it, bodies included (the engine's parse leaves them out). */
    private static WasmModule withBodies(String resource) throws IOException {
        try (InputStream meta = PgliteModule.class.getResourceAsStream(resource)) {
            return Parser.builder().withValidation(false).build().parse(() -> meta);
        }
    }

    private static List<Integer> interpreted(WasmModule module) {
        int imports = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        int bodies = module.codeSection().functionBodyCount();
        List<Integer> interpreted = new ArrayList<>();
        for (int i = 0; i < bodies; i++) {
            FunctionBody body = module.codeSection().getFunctionBody(i);
            List<AnnotatedInstruction> code = body.instructions();
            boolean stub = !code.isEmpty() && code.get(0).opcode() == OpCode.UNREACHABLE && code.size() <= 2;
            if (!stub) {
                interpreted.add(imports + i);
            }
        }
        return interpreted;
    }
}
