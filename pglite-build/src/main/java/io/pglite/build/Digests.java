package io.pglite.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** The two digest notations the build uses: npm's {@code sha512-<base64>} integrity and lower-case hex SHA-256. */
final class Digests {

    private Digests() {
    }

    /** The npm integrity string of a file, in the form {@code npm pack} prints: {@code sha512-<base64>}. */
    static String integrity(Path file) throws IOException {
        return "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", Files.readAllBytes(file)));
    }

    static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    private static byte[] digest(String algorithm, byte[] content) {
        try {
            return MessageDigest.getInstance(algorithm).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every Java platform", e);
        }
    }
}
