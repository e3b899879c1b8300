package io.pglite.build;

import static io.pglite.build.TypeIndexAlignerTest.body;
import static io.pglite.build.TypeIndexAlignerTest.bytes;
import static io.pglite.build.TypeIndexAlignerTest.cat;
import static io.pglite.build.TypeIndexAlignerTest.funcType;
import static io.pglite.build.TypeIndexAlignerTest.module;
import static io.pglite.build.TypeIndexAlignerTest.name;
import static io.pglite.build.TypeIndexAlignerTest.section;
import static io.pglite.build.TypeIndexAlignerTest.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GOT imports become exported globals; every global index moves with them. */
class GotInternalizerTest {
    private static final int I32 = 0x7f;

    /**
     * Globals: 0 env.__memory_base, 1 GOT.mem.counter, 2 env.__table_base, 3 GOT.func.f (imports),
     * 4 "own" = 7 (defined). Function "sum" returns GOT.mem.counter + GOT.func.f + own + __memory_base;
     * "bump" sets own through global.set; a data segment lies at __memory_base.
     */
    private static byte[] sideModule() {
        byte[] sum = body(0, 0x23, 1, 0x23, 3, 0x6a, 0x23, 4, 0x6a, 0x23, 0, 0x6a, 0x0b);
        byte[] bump = body(0, 0x23, 4, 0x41, 1, 0x6a, 0x24, 4, 0x0b);
        return module(
                section(1, vec(funcType(new int[] {}, new int[] {I32}), funcType(new int[] {}, new int[] {}))),
                section(2, vec(
                        cat(name("env"), name("__memory_base"), bytes(3, I32, 0)),
                        cat(name("GOT.mem"), name("counter"), bytes(3, I32, 1)),
                        cat(name("env"), name("__table_base"), bytes(3, I32, 0)),
                        cat(name("GOT.func"), name("f"), bytes(3, I32, 1)),
                        cat(name("env"), name("memory"), bytes(2, 0, 1)))),
                section(3, vec(bytes(0), bytes(1))),
                section(6, vec(bytes(I32, 1, 0x41, 7, 0x0b))),
                section(7, vec(cat(name("sum"), bytes(0, 0)), cat(name("bump"), bytes(0, 1)), cat(name("own"), bytes(3, 4)))),
                section(10, vec(sum, bump)),
                section(11, vec(cat(bytes(0, 0x23, 0, 0x0b), vec(bytes('a'), bytes('b'))))));
    }

    @Test
    void gotImportsBecomeExportedGlobalsAndTheModuleComputesAsBefore() {
        WasmModule module = Parser.parse(GotInternalizer.internalize(sideModule()));
        List<String> imports = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            imports.add(module.importSection().getImport(i).module() + "." + module.importSection().getImport(i).name());
        }
        assertEquals(List.of("env.__memory_base", "env.__table_base", "env.memory"), imports);

        var memory = new ByteArrayMemory(new MemoryLimits(1));
        Instance instance = Instance.builder(module).withImportValues(ImportValues.builder()
                .addGlobal(new ImportGlobal("env", "__memory_base", constant(100)))
                .addGlobal(new ImportGlobal("env", "__table_base", constant(0)))
                .addMemory(new ImportMemory("env", "memory", memory))
                .build()).build();
        global(instance, "GOT.mem.counter").setValue(1000);
        global(instance, "GOT.func.f").setValue(20_000);
        assertEquals(21_107, instance.export("sum").apply()[0]);
        instance.export("bump").apply();
        assertEquals(8, global(instance, "own").getValue());
        assertEquals(21_108, instance.export("sum").apply()[0]);
        assertEquals('a', memory.read(100));
        assertEquals('b', memory.read(101));
    }

    @Test
    void aModuleWithoutGotImportsIsReturnedAsItIs() {
        byte[] plain = module(section(1, vec(funcType(new int[] {}, new int[] {I32}))), section(3, vec(bytes(0))),
                section(10, vec(body(0, 0x41, 1, 0x0b))));
        assertSame(plain, GotInternalizer.internalize(plain));
    }

    private static GlobalInstance global(Instance instance, String name) {
        var section = instance.module().exportSection();
        for (int i = 0; i < section.exportCount(); i++) {
            if (section.getExport(i).name().equals(name) && section.getExport(i).exportType() == ExternalType.GLOBAL) {
                return instance.global(section.getExport(i).index());
            }
        }
        throw new AssertionError("no exported global " + name);
    }

    private static GlobalInstance constant(int value) {
        return new GlobalInstance(value, 0, ValType.I32, MutabilityType.Const);
    }
}
