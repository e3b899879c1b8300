package io.pglite.spock

import io.pglite.core.Pglite
import spock.lang.Shared
import spock.lang.Specification

// Specifications that fail on purpose, run by MisuseSpec through the test kit (surefire runs *Spec only)

@PgliteSpec
class WrongJdbcUrlTypeFixture extends Specification {
    @Shared @PgliteJdbcUrl Integer url

    def "never runs"() {
        expect:
        true
    }
}

@PgliteSpec(extensions = 'postgis')
class UnknownExtensionFixture extends Specification {
    def "never runs"() {
        expect:
        false
    }
}

@PgliteSpec(initScripts = 'db/no-such-script.sql')
class MissingInitScriptFixture extends Specification {
    def "never runs"() {
        expect:
        true
    }
}

@PgliteSpec(initScripts = 'db/broken.sql')
class BrokenInitScriptFixture extends Specification {
    def "never runs"() {
        expect:
        true
    }
}

@PgliteSpec
class FailingSetupSpecFixture extends Specification {
    static Pglite started
    @Shared Pglite pg

    def setupSpec() {
        started = pg
        throw new IllegalStateException('setupSpec fails')
    }

    def "never runs"() {
        expect:
        true
    }
}

