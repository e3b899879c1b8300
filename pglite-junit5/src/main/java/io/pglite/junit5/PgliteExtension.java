package io.pglite.junit5;

import io.pglite.core.Pglite;
import java.lang.System.Logger.Level;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The JUnit Jupiter extension behind {@link PgliteInstance}. Keeps all its state in the
 * {@link ExtensionContext.Store}: the suite's templates in the root context, a class's instance pool
 * in the class's context, a method's lease of an instance (and its connections) in the method's
 * context, so each closes at the end of its scope, also after failures.
 */
public final class PgliteExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final System.Logger LOG = System.getLogger(PgliteExtension.class.getName());
    private static final Namespace NAMESPACE = Namespace.create(PgliteExtension.class);
    private static final String LEASE = "lease";
    static final String SUPPORTED = "javax.sql.DataSource, java.sql.Connection, io.pglite.core.Pglite"
            + " and String annotated @PgliteJdbcUrl";

    @PgliteInstance
    private static final class Defaults {
    }

    // ---------------------------------------------------------------- callbacks

    @Override
    public void beforeAll(ExtensionContext context) {
        ClassState state = classState(context);
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field : injectableFields(testClass, true)) {
            inject(null, field, state.pool.primary(), context);
        }
        if (context.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS) {
            Optional<Object> instance = context.getTestInstance();
            if (instance.isPresent()) {
                for (Field field : injectableFields(instance.get().getClass(), false)) {
                    inject(instance.get(), field, state.pool.primary(), context);
                }
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ClassState state = classState(context.getParent().orElseThrow());
        LeaseResource lease = new LeaseResource(state.pool.lease());
        context.getStore(NAMESPACE).put(LEASE, lease);
        Slot slot = lease.lease.slot;
        boolean perClassInstance = context.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS;
        if (slot != state.pool.primary()) {
            List<Field> shared = injectableFields(context.getRequiredTestClass(), true);
            if (perClassInstance) {
                shared.addAll(injectableFields(context.getRequiredTestClass(), false));
            }
            if (!shared.isEmpty()) {
                throw new ExtensionConfigurationException("@PgliteInstance cannot inject field "
                        + describe(shared.get(0)) + ": it is shared by the methods of "
                        + context.getRequiredTestClass().getSimpleName() + ", and "
                        + context.getRequiredTestMethod().getName() + "() runs on an instance of its own ("
                        + (state.annotation.lifecycle() == PgliteInstance.Lifecycle.PER_METHOD
                                ? "lifecycle PER_METHOD" : "methods of the class run concurrently")
                        + "); inject it as a method parameter"
                        + (perClassInstance ? "" : " or an instance field"));
            }
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : injectableFields(instance.getClass(), false)) {
                inject(instance, field, slot, context);
            }
        }
    }

    // ---------------------------------------------------------------- parameters

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        Class<?> type = parameter.getType();
        return parameterContext.isAnnotated(PgliteJdbcUrl.class) || parameterContext.isAnnotated(PgliteInject.class)
                || type == DataSource.class || type == Connection.class || type == Pglite.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Parameter parameter = parameterContext.getParameter();
        String element = describe(parameterContext);
        String problem = checkType(parameter.getType(), parameterContext.isAnnotated(PgliteJdbcUrl.class));
        if (problem != null) {
            throw new ParameterResolutionException("@PgliteInstance cannot inject " + element + ": " + problem);
        }
        try {
            return value(parameter.getType(), slotFor(context), context, element);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("@PgliteInstance could not provide " + element + ": " + e.getMessage(), e);
        }
    }

    /** The instance for a context: the method's lease, else its class's primary instance. */
    private Slot slotFor(ExtensionContext context) {
        LeaseResource lease = context.getStore(NAMESPACE).get(LEASE, LeaseResource.class);
        if (lease != null) {
            return lease.lease.slot;
        }
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classState(classContext).pool.primary();
    }

    // ---------------------------------------------------------------- fields and values

    /** Null when {@code type} can be injected, else what is wrong. */
    private static String checkType(Class<?> type, boolean jdbcUrl) {
        if (jdbcUrl) {
            return type == String.class ? null
                    : "@PgliteJdbcUrl needs type String, found " + type.getName();
        }
        if (type == DataSource.class || type == Connection.class || type == Pglite.class) {
            return null;
        }
        return "supported are " + SUPPORTED + ", found " + type.getName();
    }

    /** The fields to set: annotated {@code @PgliteInject} or {@code @PgliteJdbcUrl}, static or not. */
    private static List<Field> injectableFields(Class<?> type, boolean statics) {
        List<Field> fields = new java.util.ArrayList<>(AnnotationSupport.findAnnotatedFields(type, PgliteInject.class,
                f -> Modifier.isStatic(f.getModifiers()) == statics, HierarchyTraversalMode.TOP_DOWN));
        fields.addAll(AnnotationSupport.findAnnotatedFields(type, PgliteJdbcUrl.class,
                f -> Modifier.isStatic(f.getModifiers()) == statics && !AnnotationSupport.isAnnotated(f, PgliteInject.class),
                HierarchyTraversalMode.TOP_DOWN));
        return fields;
    }

    private static void inject(Object instance, Field field, Slot slot, ExtensionContext context) {
        String element = "field " + describe(field);
        String problem = checkType(field.getType(), AnnotationSupport.isAnnotated(field, PgliteJdbcUrl.class));
        if (problem == null && Modifier.isFinal(field.getModifiers())) {
            problem = "the field is final";
        }
        if (problem != null) {
            throw new ExtensionConfigurationException("@PgliteInstance cannot inject " + element + ": " + problem);
        }
        Object value = value(field.getType(), slot, context, element);
        try {
            field.setAccessible(true);
            field.set(instance, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("@PgliteInstance cannot inject " + element + ": " + e, e);
        }
    }

    private static Object value(Class<?> type, Slot slot, ExtensionContext scope, String element) {
        if (type == String.class) {
            return slot.pglite.jdbcUrl();
        }
        if (type == Pglite.class) {
            return slot.pglite;
        }
        if (type == DataSource.class) {
            return slot.dataSource();
        }
        try {
            Connection connection = slot.dataSource().getConnection();
            scope.getStore(NAMESPACE).put(new Object(), new ConnectionResource(connection));
            return connection;
        } catch (SQLException e) {
            throw new ExtensionConfigurationException("@PgliteInstance could not open a connection for " + element
                    + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Field field) {
        return field.getDeclaringClass().getSimpleName() + "." + field.getName();
    }

    private static String describe(ParameterContext parameterContext) {
        Executable executable = parameterContext.getDeclaringExecutable();
        String name = executable instanceof java.lang.reflect.Constructor ? executable.getDeclaringClass().getSimpleName()
                : executable.getDeclaringClass().getSimpleName() + "." + executable.getName();
        String types = Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        return "parameter " + parameterContext.getIndex() + " of " + name + "(" + types + ")";
    }

    // ---------------------------------------------------------------- state

    /** The state of the class of {@code classContext}, created on first use (before @BeforeAll, or earlier for PER_CLASS instances). */
    private static ClassState classState(ExtensionContext classContext) {
        Class<?> testClass = classContext.getRequiredTestClass();
        return getOrCompute(classContext.getStore(NAMESPACE), new ClassKey(testClass),
                key -> createClassState(classContext, testClass), ClassState.class);
    }

    private static ClassState createClassState(ExtensionContext classContext, Class<?> testClass) {
        Optional<PgliteInstance> own = AnnotationSupport.findAnnotation(testClass, PgliteInstance.class);
        Optional<ExtensionContext> outer = classContext.getParent()
                .filter(parent -> parent.getTestClass().isPresent() && parent.getTestMethod().isEmpty());
        if (own.isEmpty() && outer.isPresent()) {
            // @Nested: runs on the outer class's instance (or a clone of it when the outer one is busy)
            ClassState outerState = classState(outer.get());
            InstancePool.Lease lease = outerState.pool.lease();
            return new ClassState(testClass, outerState.annotation, newPool(testClass, lease.slot, outerState.annotation), lease);
        }
        PgliteInstance annotation = own.orElseGet(() -> Defaults.class.getAnnotation(PgliteInstance.class));
        Config config = Config.of(annotation);
        ClassLoader loader = testClass.getClassLoader();
        if (annotation.sharing() == PgliteInstance.Sharing.SUITE) {
            Template template = getOrCompute(classContext.getRoot().getStore(NAMESPACE), new TemplateKey(config),
                    key -> new Template(start(config, loader)), Template.class);
            InstancePool.Lease lease = template.pool.lease();
            log(testClass, lease.slot, "shared");
            return new ClassState(testClass, annotation, newPool(testClass, lease.slot, annotation), lease);
        }
        Slot primary = start(config, loader);
        log(testClass, primary, "own");
        return new ClassState(testClass, annotation, newPool(testClass, primary, annotation), primary);
    }

    private static void log(Class<?> testClass, Slot slot, String kind) {
        LOG.log(Level.INFO, () -> String.format("%s: PostgreSQL %s (%s instance) on %s, port %d", testClass.getName(),
                slot.pglite.name(), kind, slot.pglite.jdbcUrl(), slot.pglite.port()));
    }

    private static InstancePool newPool(Class<?> testClass, Slot primary, PgliteInstance annotation) {
        return new InstancePool(testClass.getName(), primary, annotation.reset() == PgliteInstance.Reset.RESTORE,
                annotation.lifecycle() == PgliteInstance.Lifecycle.PER_METHOD);
    }

    /** Starts an instance, applies the migrations and runs the init scripts on it. */
    private static Slot start(Config config, ClassLoader loader) {
        Migrations migrations = config.migrations().isEmpty() ? null : Migrations.of(config, loader);
        Pglite.Builder builder = config.builder(true).withDataDirectory(config.dataDirectory());
        boolean inMemory = config.storage() == PgliteInstance.Storage.MEMORY;
        if (migrations != null && inMemory) {
            builder.withSnapshot(migrations.migrated());
        }
        Slot slot = new Slot(builder.start(), config, true, inMemory);
        InstancePool.STARTED.incrementAndGet();
        try {
            if (migrations != null && !inMemory) {
                migrations.migrate(slot);
            }
            InitScripts.run(slot.pglite, config.initScripts(), loader);
        } catch (RuntimeException | Error e) {
            slot.close();
            throw e;
        }
        return slot;
    }

    /** The one place that calls {@code getOrComputeIfAbsent}, deprecated in JUnit 6 (its replacement is not in 5.10). */
    @SuppressWarnings("deprecation")
    private static <K, V> V getOrCompute(Store store, K key, Function<K, V> creator, Class<V> type) {
        return store.getOrComputeIfAbsent(key, creator, type);
    }

    private record ClassKey(Class<?> testClass) {
    }

    private record TemplateKey(Config config) {
    }

    /** Base of everything put in the store: closed by JUnit 5 as a CloseableResource, by JUnit 6 as an AutoCloseable. */
    @SuppressWarnings("deprecation")
    abstract static class Resource implements Store.CloseableResource, AutoCloseable {
        private boolean closed;

        @Override
        public final synchronized void close() {
            if (!closed) {
                closed = true;
                release();
            }
        }

        abstract void release();
    }

    /** A class's instances: the pool, and how it holds its primary (its own, or leased from the template or outer class). */
    static final class ClassState extends Resource {
        final Class<?> testClass;
        final PgliteInstance annotation;
        final InstancePool pool;
        private final AutoCloseable primaryHold;

        ClassState(Class<?> testClass, PgliteInstance annotation, InstancePool pool, AutoCloseable primaryHold) {
            this.testClass = testClass;
            this.annotation = annotation;
            this.pool = pool;
            this.primaryHold = primaryHold;
        }

        @Override
        void release() {
            try {
                pool.close();
            } finally {
                closeQuietly(primaryHold);
            }
        }
    }

    /** A configuration's template for {@link PgliteInstance.Sharing#SUITE}, in the root context. */
    static final class Template extends Resource {
        final Slot primary;
        final InstancePool pool;

        Template(Slot primary) {
            this.primary = primary;
            this.pool = new InstancePool("template " + primary.pglite.name(), primary, true, false);
        }

        @Override
        void release() {
            try {
                pool.close();
            } finally {
                primary.close();
            }
        }
    }

    static final class LeaseResource extends Resource {
        final InstancePool.Lease lease;

        LeaseResource(InstancePool.Lease lease) {
            this.lease = lease;
        }

        @Override
        void release() {
            lease.close();
        }
    }

    static final class ConnectionResource extends Resource {
        private final Connection connection;

        ConnectionResource(Connection connection) {
            this.connection = connection;
        }

        @Override
        void release() {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "closing an injected connection failed", e);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
