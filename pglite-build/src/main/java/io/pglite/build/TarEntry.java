package io.pglite.build;

/**
 * One entry of a tar archive: a regular file with its content, or a directory (no content).
 *
 * @param path      the entry's path inside the archive, with {@code /} separators and no trailing slash
 * @param directory whether the entry is a directory
 * @param content   the file's bytes; empty for a directory
 */
record TarEntry(String path, boolean directory, byte[] content) {
}
