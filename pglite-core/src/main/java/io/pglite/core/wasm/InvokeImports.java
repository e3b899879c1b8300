package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emscripten's setjmp/longjmp scheme: the {@code invoke_<sig>} trampolines, through which compiled
 * code calls anything that may {@code longjmp}, and {@code _emscripten_throw_longjmp}.
 *
 * <p>An {@code invoke_*} calls table entry {@code args[0]} with the remaining arguments. A longjmp
 * reaching it restores the shadow stack, records the jump with {@code setThrew(1, 0)} and returns
 * zero; the compiled caller then checks {@code __THREW__} and either lands on its own setjmp point
 * or jumps on. Exits and traps restore the stack and keep unwinding.
 *
 * <p>Provides {@code env.invoke_*} (any signature, derived from the name: result letter then
 * parameter letters, {@code v i j f d}), {@code env._emscripten_throw_longjmp} and
 * {@code env.__call_sighandler}.
 */
final class InvokeImports {
    private final EmscriptenRuntime runtime;

    InvokeImports(EmscriptenRuntime runtime) {
        this.runtime = runtime;
    }

    /** Whether this group serves the import {@code env.<name>}. */
    static boolean serves(String name) {
        return name.startsWith("invoke_");
    }

    /** The trampoline for one {@code invoke_<sig>} import. */
    HostFunction invoke(String name) {
        FunctionType type = typeOf(name);
        boolean returnsValue = !type.returns().isEmpty();
        return new HostFunction("env", name, type, (instance, args) -> {
            int stack = runtime.stackPointer();
            try {
                long[] result = callTableEntry(instance, (int) args[0], Arrays.copyOfRange(args, 1, args.length));
                return returnsValue ? result : null;
            } catch (LongjmpSignal jump) {
                runtime.restoreStack(stack);
                runtime.setThrew(1, 0);
                return returnsValue ? new long[] {0} : null;
            } catch (RuntimeException | StackOverflowError e) {
                runtime.restoreStack(stack);
                throw e;
            }
        });
    }

    List<HostFunction> fixed() {
        List<HostFunction> functions = new ArrayList<>();
        functions.add(new HostFunction("env", "_emscripten_throw_longjmp", FunctionType.empty(),
                (instance, args) -> {
                    throw LongjmpSignal.INSTANCE;
                }));
        functions.add(new HostFunction("env", "__call_sighandler",
                FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> {
                    callTableEntry(instance, (int) args[0], new long[] {args[1]});
                    return null;
                }));
        return functions;
    }

    private static long[] callTableEntry(Instance caller, int index, long[] args) {
        TableInstance table = caller.table(0);
        int function = table.requiredRef(index);
        Instance owner = table.instance(index);
        return (owner == null ? caller : owner).getMachine().call(function, args);
    }

    /** {@code invoke_vii} is {@code (i32 index, i32, i32) -> ()}; the index comes first. */
    static FunctionType typeOf(String name) {
        String signature = name.substring("invoke_".length());
        List<ValType> params = new ArrayList<>();
        params.add(ValType.I32);
        for (int i = 1; i < signature.length(); i++) {
            params.add(valType(signature.charAt(i), name));
        }
        char result = signature.charAt(0);
        List<ValType> returns = result == 'v' ? List.of() : List.of(valType(result, name));
        return FunctionType.of(params, returns);
    }

    private static ValType valType(char letter, String name) {
        switch (letter) {
            case 'i': return ValType.I32;
            case 'j': return ValType.I64;
            case 'f': return ValType.F32;
            case 'd': return ValType.F64;
            default: throw new IllegalArgumentException("invoke signature letter '" + letter + "' in " + name);
        }
    }
}
