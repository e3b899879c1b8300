package io.pglite.build;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Command-line options of the build tools: {@code --name value} pairs, every one of them required. */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Args(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "arguments: " + Arrays.toString(args) + " (expected: --name value pairs)");
        }
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("argument " + (i + 1) + ": " + args[i] + " (expected: --name)");
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
    }

    static Args parse(String[] args) {
        return new Args(args);
    }

    String string(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option --" + name + " (given: " + values.keySet() + ")");
        }
        return value;
    }

    Path path(String name) {
        return Path.of(string(name));
    }

    /** A comma-separated list of non-negative integers, such as {@code 2272,3874}. */
    Set<Integer> integers(String name) {
        Set<Integer> result = new TreeSet<>();
        for (String part : string(name).split(",")) {
            try {
                result.add(Integer.parseUnsignedInt(part.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--" + name + ": " + string(name) + " (expected: comma-separated integers)", e);
            }
        }
        return result;
    }
}
