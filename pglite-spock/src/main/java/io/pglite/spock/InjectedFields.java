package io.pglite.spock;

import io.pglite.core.Pglite;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.spockframework.runtime.InvalidSpecException;
import org.spockframework.runtime.model.FieldInfo;
import org.spockframework.runtime.model.SpecInfo;

/**
 * The fields of a specification that {@link PgliteSpec} sets: of type {@link DataSource} or
 * {@link Pglite}, and {@code String} fields annotated {@link PgliteJdbcUrl}; static fields are not
 * among them (Spock lists none to extensions). Checked when the specification is discovered, so
 * that a misuse fails before an instance starts.
 */
final class InjectedFields {
    private static final String SUPPORTED = "javax.sql.DataSource, io.pglite.core.Pglite and String annotated @PgliteJdbcUrl";

    private final List<FieldInfo> shared;
    private final List<FieldInfo> perIteration;

    private InjectedFields(List<FieldInfo> shared, List<FieldInfo> perIteration) {
        this.shared = shared;
        this.perIteration = perIteration;
    }

    /** The fields of {@code spec} and its superclasses to set; throws {@link InvalidSpecException} naming a field that cannot be. */
    static InjectedFields of(SpecInfo spec) {
        List<FieldInfo> shared = new ArrayList<>();
        List<FieldInfo> perIteration = new ArrayList<>();
        for (FieldInfo field : spec.getAllFields()) {
            if (injectable(field)) {
                (field.isShared() ? shared : perIteration).add(field);
            }
        }
        return new InjectedFields(shared, perIteration);
    }

    /** Whether {@code field} is one to set; throws when it is marked for it but cannot be set. */
    private static boolean injectable(FieldInfo field) {
        boolean jdbcUrl = field.isAnnotationPresent(PgliteJdbcUrl.class);
        Class<?> type = field.getType();
        if (jdbcUrl && type != String.class) {
            throw misuse(field, "@PgliteJdbcUrl needs type String, found " + type.getName());
        }
        return jdbcUrl || type == DataSource.class || type == Pglite.class;
    }

    private static InvalidSpecException misuse(FieldInfo field, String problem) {
        return new InvalidSpecException("@PgliteSpec cannot inject field "
                + field.getReflection().getDeclaringClass().getSimpleName() + "." + field.getName() + ": " + problem
                + " (supported: " + SUPPORTED + ")");
    }

    /** Sets the {@code @Shared} fields of the shared instance, before {@code setupSpec}. */
    void injectShared(Object sharedInstance, SpecDatabase database) {
        inject(shared, sharedInstance, database);
    }

    /** Sets the other fields of an iteration's instance, after its field initializers. */
    void injectPerIteration(Object instance, SpecDatabase database) {
        inject(perIteration, instance, database);
    }

    private static void inject(List<FieldInfo> fields, Object target, SpecDatabase database) {
        for (FieldInfo field : fields) {
            // a value from the field's initializer is the user's own choice: left alone
            if (field.readValue(target) == null) {
                field.writeValue(target, value(field, database));
            }
        }
    }

    private static Object value(FieldInfo field, SpecDatabase database) {
        if (field.getType() == DataSource.class) {
            return database.dataSource();
        }
        if (field.getType() == Pglite.class) {
            return database.pglite();
        }
        return database.pglite().jdbcUrl();
    }
}
