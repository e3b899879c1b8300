package io.pglite.spock;

import org.spockframework.runtime.extension.IAnnotationDrivenExtension;
import org.spockframework.runtime.model.FeatureInfo;
import org.spockframework.runtime.model.SpecInfo;
import org.spockframework.runtime.model.parallel.ExecutionMode;

/**
 * The Spock extension behind {@link PgliteSpec}; Spock creates one per specification run. Hooks the
 * instance's lifecycle into the bottom specification's fixture phases: {@code setupSpec} (start,
 * inject, snapshot), each iteration (restore), each instance initializer (inject), {@code cleanupSpec}
 * (close).
 */
public final class PgliteSpecExtension implements IAnnotationDrivenExtension<PgliteSpec> {
    private PgliteSpec annotation;

    /** Creates the extension; Spock does, for a specification annotated {@link PgliteSpec}. */
    public PgliteSpecExtension() {
    }

    @Override
    public void visitSpecAnnotation(PgliteSpec annotation, SpecInfo spec) {
        // Spock visits the hierarchy from the top down: the most derived specification's annotation wins
        this.annotation = annotation;
    }

    @Override
    public void visitSpec(SpecInfo spec) {
        InjectedFields fields = InjectedFields.of(spec);
        SpecDatabase database = new SpecDatabase(spec.getReflection(), Settings.of(annotation));
        // the bottom specification's interceptors wrap its superclasses' fixture methods too
        spec.addSetupSpecInterceptor(invocation -> {
            database.start();
            fields.injectShared(invocation.getInstance(), database);
            invocation.proceed();
            database.setUpDone();
        });
        spec.addInitializerInterceptor(invocation -> {
            invocation.proceed();
            fields.injectPerIteration(invocation.getInstance(), database);
        });
        spec.addCleanupSpecInterceptor(invocation -> {
            try {
                invocation.proceed();
            } finally {
                database.close();
            }
        });
        if (annotation.reset() == PgliteSpec.Reset.RESTORE) {
            for (FeatureInfo feature : spec.getAllFeatures()) {
                // restoring under an iteration running concurrently on the same instance would pull its data away
                feature.setExecutionMode(ExecutionMode.SAME_THREAD);
                feature.addIterationInterceptor(invocation -> {
                    database.reset();
                    invocation.proceed();
                });
            }
        }
    }
}
