package io.pglite.core.fs;

/** A file of the PGlite data bundle: a range of the bundle's one shared array. */
final class BundleSlice implements SharedContent {
    private final byte[] bundle;
    private final int offset;
    private final int length;

    BundleSlice(byte[] bundle, int offset, int length) {
        this.bundle = bundle;
        this.offset = offset;
        this.length = length;
    }

    int offset() {
        return offset;
    }

    /** Whether this slice is of {@code data}, the bundle a snapshot file refers to. */
    boolean isOf(byte[] data) {
        return bundle == data;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int read(long position, byte[] into, int intoOffset, int count) {
        if (position >= length) {
            return 0;
        }
        int n = (int) Math.min(count, length - position);
        System.arraycopy(bundle, offset + (int) position, into, intoOffset, n);
        return n;
    }

    /** Copies the bytes out: the bundle array is shared by every instance and never written. */
    @Override
    public ChunkedContent writableCopy() {
        ChunkedContent copy = new ChunkedContent();
        copy.write(0, bundle, offset, length);
        return copy;
    }
}
