package io.pglite.build;

import io.pglite.build.WasmCode.Insn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts the dispatch chain of a large {@code br_table} switch into pieces that {@link FunctionSplitter} can outline.
 *
 * <p>Compilers lower a C {@code switch} to a chain of nested blocks: the {@code br_table} sits in the innermost one,
 * entry {@code i} branching to the end of the block of level {@code labels[i]}, after which that case's code runs and
 * falls through into the next level's case. Once the cases are outlined, the chain remains: one function holding every
 * level and a table as large as the switch (PostgreSQL's grammar has 2,485 entries and 732 cases), with no region
 * that can leave it, since every inner region contains the table and so branches to every level.
 *
 * <p>A cut at level {@code L} wraps the levels below {@code L} and the case code after them in a new block
 * {@code esc}, whose end the table reaches for the entries of levels {@code L} and above. Right after {@code esc}, a
 * second table, indexed by the same value (kept in a new local), dispatches those to their levels; falling off the
 * last inner case branches past it, to level {@code L}'s case, as before. The block {@code esc} then has only the
 * exits of its cases and is a region like any other. Cuts are made from the inside out, each new table becoming the
 * next cut's inner table; each table is trimmed to the range of indices that reach its own levels (an offset and a
 * default for the rest), so the tables together stay about the size of the original.
 */
final class SwitchSplitter {

    /** Tables with fewer labels are left alone: their chains are small. */
    static final int MIN_TABLE = 32;

    /** What the splitter needs from the module it works on. */
    interface Host {
        /** Adds an i32 local to the function being split; returns its index. */
        int newI32Local();

        /** Adds a function of type {@code (i32) -> i32}, with no local but its parameter; returns its index. */
        int newLookupFunction(List<Insn> body);
    }

    private final int pieceSize;
    private final Host host;

    private SwitchSplitter(int pieceSize, Host host) {
        this.pieceSize = pieceSize;
        this.host = host;
    }

    /**
     * Cuts the chain of the largest switch in {@code body} into pieces of about {@code pieceSize} bytes. Returns
     * whether it cut anything.
     */
    static boolean split(List<Insn> body, int pieceSize, Host host) {
        Chain chain = largestChain(body, pieceSize);
        return chain != null && new SwitchSplitter(pieceSize, host).cut(chain);
    }

    /** A table and the void blocks around it, innermost first: {@code blocks.get(j)} is level {@code j}. */
    private record Chain(List<Insn> tableList, Insn table, List<Insn> blocks) {
        int size() {
            return blocks.get(blocks.size() - 1).size();
        }
    }

    private static Chain largestChain(List<Insn> body, int pieceSize) {
        List<Chain> found = new ArrayList<>();
        findChains(body, new ArrayList<>(), found);
        Chain largest = null;
        for (Chain chain : found) {
            if (chain.blocks.size() >= 2 && chain.size() > pieceSize && (largest == null || chain.size() > largest.size())) {
                largest = chain;
            }
        }
        return largest;
    }

    /** {@code enclosing}: the structured instructions around {@code list}, outermost first. */
    private static void findChains(List<Insn> list, List<Insn> enclosing, List<Chain> found) {
        for (Insn insn : list) {
            if (insn.op == WasmCode.BR_TABLE && insn.labels.length > MIN_TABLE) {
                List<Insn> blocks = new ArrayList<>();
                for (int i = enclosing.size() - 1; i >= 0 && voidBlock(enclosing.get(i)); i--) {
                    blocks.add(enclosing.get(i));
                }
                if (!blocks.isEmpty()) {
                    found.add(new Chain(list, insn, blocks));
                }
            } else if (insn.structured()) {
                enclosing.add(insn);
                findChains(insn.body, enclosing, found);
                if (insn.elseBody != null) {
                    findChains(insn.elseBody, enclosing, found);
                }
                enclosing.remove(enclosing.size() - 1);
            }
        }
    }

    private static boolean voidBlock(Insn insn) {
        return insn.op == WasmCode.BLOCK && insn.blockType.length == 1 && insn.blockType[0] == WasmCode.EMPTY_BLOCK;
    }

    // ---------------------------------------------------------------- cutting

    /**
     * Cuts from the inside out. {@code labels} is the switch as a table over every index (default last), relative to
     * the current innermost level; {@code code} is the instructions in {@code codeList} that currently dispatch it.
     */
    private boolean cut(Chain chain) {
        int index = host.newI32Local();
        int[] table = chain.table.labels;
        int entries = table.length - 1;
        List<Insn> blocks = chain.blocks;

        // the index goes to a local; out of the table's range, to the default; in range, it is replaced by the
        // level its entry branches to, looked up by functions over ranges of the table: the levels are in the
        // chain's order, so the table of each piece below covers a range of them
        List<Insn> start = new ArrayList<>();
        start.add(Insn.local(WasmCode.LOCAL_SET, index));
        start.add(Insn.local(WasmCode.LOCAL_GET, index));
        start.add(WasmCode.i32Const(entries));
        start.add(Insn.leaf(new byte[] {WasmCode.I32_GE_U}, 2, 1));
        start.add(Insn.branch(WasmCode.BR_IF, table[entries]));
        start.addAll(lookup(Arrays.copyOf(table, entries), index));
        int top = Math.max(blocks.size() - 1, Arrays.stream(table, 0, entries).max().getAsInt());
        int[] labels = new int[top + 2]; // level k for index k; the default (never taken) the outermost
        for (int k = 0; k <= top; k++) {
            labels[k] = k;
        }
        labels[top + 1] = top;
        List<Insn> code = dispatch(index, labels);
        List<Insn> codeList = chain.tableList;
        int tableAt = position(codeList, chain.table);
        codeList.remove(tableAt);
        codeList.addAll(tableAt, start);
        codeList.addAll(tableAt + start.size(), code);

        Insn esc = null; // the last piece, inside the next: it is outlined before the next one, so does not count
        while (blocks.size() >= 2) {
            int level = cutLevel(labels, WasmCode.sizeOf(code) + (esc == null ? 0 : esc.size()), blocks);

            // the piece: the levels below `level` and level's own code, in a new block esc
            List<Insn> outer = blocks.get(level).body;
            int at = position(outer, blocks.get(level - 1));
            List<Insn> escBody = new ArrayList<>(outer.subList(at, outer.size()));
            shiftEscaping(escBody, 0);
            if (!escBody.get(escBody.size() - 1).terminal()) {
                escBody.add(Insn.branch(WasmCode.BR, 1)); // the last inner case falls through to level's case
            }

            // its table: levels below `level` keep their labels, the others go to esc (label `level` there)
            int[] inner = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                inner[i] = Math.min(labels[i], level);
            }
            List<Insn> innerCode = dispatch(index, inner);
            int codeAt = position(codeList, code.get(0));
            codeList.subList(codeAt, codeAt + code.size()).clear();
            codeList.addAll(codeAt, innerCode);

            // after esc, the table of the levels from `level` up, relative to level's block (its label 0); the
            // indices that stay inside the piece never get there, and take the default
            int[] rest = new int[labels.length];
            int defaultLabel = labels[labels.length - 1] - level;
            for (int i = 0; i < labels.length; i++) {
                rest[i] = labels[i] >= level ? labels[i] - level : defaultLabel;
            }
            List<Insn> restCode = dispatch(index, rest);
            outer.subList(at, outer.size()).clear();
            esc = Insn.block(WasmCode.BLOCK, escBody);
            outer.add(esc);
            outer.addAll(restCode);

            labels = rest;
            code = restCode;
            codeList = outer;
            blocks = blocks.subList(level, blocks.size());
        }
        return true;
    }

    /**
     * The highest level {@code L} (at least 1) such that the piece of a cut there (the levels below it with their
     * trimmed table, and level {@code L}'s code after them) fits the piece size; {@code replaced} bytes of the
     * levels below (the current table's code, the previous piece) do not count.
     */
    private int cutLevel(int[] labels, int replaced, List<Insn> blocks) {
        int entries = labels.length - 1;
        int[] first = new int[blocks.size()];
        int[] last = new int[blocks.size()];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (int i = 0; i < entries; i++) {
            if (labels[i] < blocks.size()) {
                first[labels[i]] = Math.min(first[labels[i]], i);
                last[labels[i]] = Math.max(last[labels[i]], i);
            }
        }
        int best = 1;
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int level = 1; level < blocks.size(); level++) {
            lo = Math.min(lo, first[level - 1]);
            hi = Math.max(hi, last[level - 1]);
            int tableSize = 10 + 2 * Math.max(0, hi - lo + 1);
            List<Insn> outer = blocks.get(level).body;
            int piece = blocks.get(level - 1).size() - replaced + tableSize
                    + WasmCode.sizeOf(outer.subList(position(outer, blocks.get(level - 1)) + 1, outer.size()));
            if (piece > pieceSize) {
                break;
            }
            best = level;
        }
        return best;
    }

    /**
     * Instructions that replace the index in local {@code index} (within the table's range) by {@code levels[index]}:
     * calls to lookup functions, each for a range of indices that fits the piece size, chosen by comparisons.
     */
    private List<Insn> lookup(int[] levels, int index) {
        List<Integer> bounds = new ArrayList<>(); // the end of each range
        Set<Integer> distinct = new HashSet<>();
        int size = 0;
        for (int i = 0; i < levels.length; i++) {
            int cost = 2 + (distinct.contains(levels[i]) ? 0 : 8); // an entry; a block, a constant and a return
            if (size > 0 && size + cost > pieceSize) {
                bounds.add(i);
                distinct.clear();
                size = 0;
                cost = 10;
            }
            distinct.add(levels[i]);
            size += cost;
        }
        bounds.add(levels.length);
        List<Insn> code = new ArrayList<>();
        int from = 0;
        for (int r = 0; r < bounds.size(); r++) {
            int to = bounds.get(r);
            int function = host.newLookupFunction(lookupBody(levels, from, to));
            List<Insn> call = new ArrayList<>();
            call.add(Insn.local(WasmCode.LOCAL_GET, index));
            call.add(WasmCode.call(function, 1, 1));
            call.add(Insn.local(WasmCode.LOCAL_SET, index));
            if (r < bounds.size() - 1) { // if (index < to) { index = lookup(index); br $done }
                call.add(Insn.branch(WasmCode.BR, 1));
                code.add(Insn.local(WasmCode.LOCAL_GET, index));
                code.add(WasmCode.i32Const(to));
                code.add(Insn.leaf(new byte[] {WasmCode.I32_LT_U}, 2, 1));
                code.add(Insn.block(WasmCode.IF, call));
            } else {
                code.addAll(call);
            }
            from = to;
        }
        return bounds.size() == 1 ? code : List.of(Insn.block(WasmCode.BLOCK, code));
    }

    /**
     * Body of a function returning {@code levels[i]} for its parameter {@code i} in {@code from..to-1}: a table to one
     * block per distinct level, after which the level is returned.
     */
    private static List<Insn> lookupBody(int[] levels, int from, int to) {
        List<Integer> slots = new ArrayList<>();
        Map<Integer, Integer> slotOf = new HashMap<>();
        int[] table = new int[to - from + 1];
        for (int i = from; i < to; i++) {
            table[i - from] = slotOf.computeIfAbsent(levels[i], level -> {
                slots.add(level);
                return slots.size() - 1;
            });
        }
        table[table.length - 1] = slots.size() - 1; // never taken: the caller checked the range
        List<Insn> body = new ArrayList<>();
        body.add(Insn.local(WasmCode.LOCAL_GET, 0));
        if (from > 0) {
            body.add(WasmCode.i32Const(from));
            body.add(Insn.leaf(new byte[] {WasmCode.I32_SUB}, 2, 1));
        }
        body.add(Insn.branch(WasmCode.BR_TABLE, table));
        for (int level : slots) {
            List<Insn> outer = new ArrayList<>();
            outer.add(Insn.block(WasmCode.BLOCK, body));
            outer.add(WasmCode.i32Const(level));
            outer.add(Insn.leaf(new byte[] {WasmCode.RETURN}, 0, 0));
            body = outer;
        }
        return body;
    }

    /**
     * Instructions that branch as {@code br_table labels} (default last) for the index in local {@code index}, over the
     * smallest range of entries whose label is not the default: the index is offset to that range (an index below
     * it wraps around to a large one, and so takes the default too).
     */
    private static List<Insn> dispatch(int index, int[] labels) {
        int entries = labels.length - 1;
        int defaultLabel = labels[entries];
        int lo = 0;
        while (lo < entries && labels[lo] == defaultLabel) {
            lo++;
        }
        int hi = entries - 1;
        while (hi >= lo && labels[hi] == defaultLabel) {
            hi--;
        }
        List<Insn> code = new ArrayList<>();
        code.add(Insn.local(WasmCode.LOCAL_GET, index));
        if (lo > 0 && hi >= lo) {
            code.add(WasmCode.i32Const(lo));
            code.add(Insn.leaf(new byte[] {WasmCode.I32_SUB}, 2, 1));
        }
        int[] table = new int[Math.max(0, hi - lo + 1) + 1];
        System.arraycopy(labels, lo, table, 0, table.length - 1);
        table[table.length - 1] = defaultLabel;
        code.add(Insn.branch(WasmCode.BR_TABLE, table));
        return code;
    }

    /** Adds 1 to every label in {@code list} that leaves it ({@code depth}: structured instructions entered). */
    private static void shiftEscaping(List<Insn> list, int depth) {
        for (Insn insn : list) {
            if (insn.structured()) {
                shiftEscaping(insn.body, depth + 1);
                if (insn.elseBody != null) {
                    shiftEscaping(insn.elseBody, depth + 1);
                }
            } else if (insn.labels != null) {
                for (int i = 0; i < insn.labels.length; i++) {
                    if (insn.labels[i] >= depth) {
                        insn.labels[i]++;
                    }
                }
            }
        }
    }

    private static int position(List<Insn> list, Insn insn) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == insn) {
                return i;
            }
        }
        throw new IllegalStateException("instruction not in its list");
    }
}
