package io.pglite.build;

import io.pglite.build.WasmCode.Insn;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which locals of a function body are live (may be read before they are written) at each point: before every
 * instruction, at the end of every instruction list, and where each branch label leads. A backward data-flow pass
 * over the structured code; a loop's label (its start) is iterated to a fixed point.
 *
 * <p>{@link FunctionSplitter} hands back from an outlined region only the locals it writes that are live where the
 * region continues (after it, or at a label it branches to), not every local the function reads somewhere.
 */
final class Liveness {

    private static final BitSet NONE = new BitSet();

    private final Map<Insn, BitSet> before = new IdentityHashMap<>();
    private final Map<List<Insn>, BitSet> atEnd = new IdentityHashMap<>();
    /** The live sets of the labels around each list, innermost first; the function's own label is not included. */
    private final Map<List<Insn>, BitSet[]> labels = new IdentityHashMap<>();

    private Liveness() {
    }

    /** Liveness over {@code body}, a function body (whose end returns: nothing is live there). */
    static Liveness of(List<Insn> body) {
        Liveness liveness = new Liveness();
        liveness.list(body, NONE, new BitSet[0]);
        return liveness;
    }

    /**
     * The locals live where code leaves a run of instructions of {@code list} ending before item {@code end}: by
     * falling through to that item (or the list's end), or by a branch to one of {@code exits}, labels relative to
     * {@code list} (0 is the innermost structure around it). A label beyond them is the function's: a return.
     */
    BitSet liveAfter(List<Insn> list, int end, Iterable<Integer> exits) {
        BitSet live = (BitSet) (end < list.size() ? before.get(list.get(end)) : atEnd.get(list)).clone();
        BitSet[] around = labels.get(list);
        for (int label : exits) {
            if (label < around.length) {
                live.or(around[label]);
            }
        }
        return live;
    }

    /** Returns the live set at the start of {@code list}, given the one at its end and around it. */
    private BitSet list(List<Insn> list, BitSet end, BitSet[] around) {
        atEnd.put(list, end);
        labels.put(list, around);
        BitSet live = (BitSet) end.clone();
        for (int i = list.size() - 1; i >= 0; i--) {
            Insn insn = list.get(i);
            live = step(insn, live, around);
            before.put(insn, live);
        }
        return live;
    }

    /** The live set before {@code insn}, given the one after it; returns a set of its own. */
    private BitSet step(Insn insn, BitSet after, BitSet[] around) {
        switch (insn.op) {
            case WasmCode.BLOCK -> {
                return list(insn.body, after, inside(after, around));
            }
            case WasmCode.LOOP -> {
                BitSet start = new BitSet();
                while (true) { // grows until stable: the label's set is what the body needs at its start
                    BitSet next = list(insn.body, after, inside(start, around));
                    if (next.equals(start)) {
                        return next;
                    }
                    start = next;
                }
            }
            case WasmCode.IF -> {
                BitSet[] inner = inside(after, around);
                BitSet live = (BitSet) list(insn.body, after, inner).clone();
                live.or(insn.elseBody != null ? list(insn.elseBody, after, inner) : after);
                return live;
            }
            case WasmCode.BR -> {
                return target(insn.labels[0], around);
            }
            case WasmCode.BR_IF -> {
                BitSet live = (BitSet) after.clone();
                live.or(target(insn.labels[0], around));
                return live;
            }
            case WasmCode.BR_TABLE -> {
                BitSet live = new BitSet();
                for (int label : insn.labels) {
                    live.or(target(label, around));
                }
                return live;
            }
            case WasmCode.RETURN, WasmCode.UNREACHABLE -> {
                return new BitSet();
            }
            case WasmCode.LOCAL_GET -> {
                BitSet live = (BitSet) after.clone();
                live.set(insn.local);
                return live;
            }
            case WasmCode.LOCAL_SET, WasmCode.LOCAL_TEE -> {
                BitSet live = (BitSet) after.clone();
                live.clear(insn.local);
                return live;
            }
            default -> {
                return after;
            }
        }
    }

    private static BitSet target(int label, BitSet[] around) {
        return label < around.length ? (BitSet) around[label].clone() : new BitSet();
    }

    private static BitSet[] inside(BitSet label, BitSet[] around) {
        BitSet[] inner = new BitSet[around.length + 1];
        inner[0] = label;
        System.arraycopy(around, 0, inner, 1, around.length);
        return inner;
    }
}
