package io.pglite.flyway;

import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/** Counts Flyway migrate runs in this JVM: configured with flyway.callbacks. */
public class CountingCallback implements Callback {
    static final AtomicInteger MIGRATIONS = new AtomicInteger();

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MIGRATIONS.incrementAndGet();
    }

    @Override
    public String getCallbackName() {
        return "counting";
    }
}
