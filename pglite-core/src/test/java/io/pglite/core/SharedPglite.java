package io.pglite.core;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One instance for a whole test class (starting one takes a second or two), closed after the
 * class: {@code @RegisterExtension static final SharedPglite PG = new SharedPglite();}.
 */
public final class SharedPglite implements BeforeAllCallback, AfterAllCallback {
    private Pglite instance;

    @Override
    public void beforeAll(ExtensionContext context) {
        instance = Pglite.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        instance.close();
    }

    /** The running instance. */
    public Pglite get() {
        return instance;
    }
}
