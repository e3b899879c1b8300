package io.pglite.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the engine figures into a markdown document between {@value #START} and {@value #END},
 * replacing what was there before; appends the section (and creates the document) if need be.
 */
final class MarkdownSection {
    static final String START = "<!-- engine-benchmarks:start -->";
    static final String END = "<!-- engine-benchmarks:end -->";

    private MarkdownSection() {
    }

    static void write(Path document, String body) throws IOException {
        String section = START + "\n" + body.strip() + "\n" + END;
        String text = Files.exists(document) ? Files.readString(document) : "# Benchmarks\n";
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start >= 0 && end > start) {
            text = text.substring(0, start) + section + text.substring(end + END.length());
        } else {
            text = text.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.createDirectories(document.toAbsolutePath().getParent());
        Files.writeString(document, text);
    }
}
