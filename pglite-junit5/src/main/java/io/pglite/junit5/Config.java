package io.pglite.junit5;

import io.pglite.core.DataDirectory;
import io.pglite.core.Pglite;
import java.util.List;

/** The settings of {@link PgliteInstance} that determine an instance; equal configurations can share a template. */
record Config(PgliteInstance.Storage storage, List<String> initScripts, String user, String password) {

    static Config of(PgliteInstance annotation) {
        return new Config(annotation.dataDirectory(), List.of(annotation.initScripts()), annotation.user(),
                annotation.password());
    }

    Pglite.Builder builder() {
        Pglite.Builder builder = Pglite.builder().withPort(0);
        if (!password.isEmpty()) {
            builder.withCredentials(user, password);
        }
        return builder;
    }

    DataDirectory dataDirectory() {
        return storage == PgliteInstance.Storage.TEMPORARY ? DataDirectory.temporary() : DataDirectory.memory();
    }
}
