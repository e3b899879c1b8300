package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every function of pglite.wasm is AOT-compiled: the module Chicory keeps for its interpreter ({@code .meta}) holds
 * a body only for interpreted functions and the stub {@code unreachable} for compiled ones, and here every body is
 * the stub. pglite-wasm's build splits the functions too large for a JVM method (FunctionSplitter) so that none is
 * left to the interpreter.
 */
class NothingInterpretedTest {

    @Test
    void everyBodyInTheMetaModuleIsTheCompiledStub() {
        WasmModule module = EngineModule.module();
        int imports = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        int bodies = module.codeSection().functionBodyCount();
        assertTrue(bodies > 13_725, bodies + " bodies (expected: pglite.wasm's 13,725 and the split-off ones)");
        List<Integer> interpreted = new ArrayList<>();
        for (int i = 0; i < bodies; i++) {
            FunctionBody body = module.codeSection().getFunctionBody(i);
            List<AnnotatedInstruction> code = body.instructions();
            boolean stub = !code.isEmpty() && code.get(0).opcode() == OpCode.UNREACHABLE && code.size() <= 2;
            if (!stub) {
                interpreted.add(imports + i);
            }
        }
        assertEquals(List.of(), interpreted, "functions left to the interpreter");
    }
}
