package io.pglite.spock

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass

import io.pglite.core.Pglite
import org.junit.platform.testkit.engine.EngineTestKit
import spock.lang.Specification

class MisuseSpec extends Specification {

    def "a field of the wrong type fails the specification with a message naming it"() {
        expect:
        failure(WrongJdbcUrlTypeFixture) == '@PgliteSpec cannot inject field WrongJdbcUrlTypeFixture.url: @PgliteJdbcUrl needs ' +
                'type String, found java.lang.Integer (supported: javax.sql.DataSource, io.pglite.core.Pglite and String ' +
                'annotated @PgliteJdbcUrl)'
    }

    def "an extension that is not shipped is named, with those that are"() {
        expect:
        failure(UnknownExtensionFixture).startsWith("@PgliteSpec(extensions = ...): extension 'postgis' is not shipped" +
                ' with this engine; available: amcheck, ')
    }

    def "a missing init script is named"() {
        expect:
        failure(MissingInitScriptFixture) == "@PgliteSpec init script 'db/no-such-script.sql' is not on the class path"
    }

    def "a failing init script is named, with PostgreSQL's error, and its instance closed"() {
        given:
        def before = Pglite.running()

        when:
        def message = failure(BrokenInitScriptFixture)

        then:
        message.startsWith("@PgliteSpec init script 'db/broken.sql' failed: ")
        message.contains('type "nosuchtype" does not exist')
        Pglite.running() == before
    }

    def "the instance is closed after a failing setupSpec"() {
        expect:
        failure(FailingSetupSpecFixture) == 'setupSpec fails'
        FailingSetupSpecFixture.started != null
        !Pglite.running().contains(FailingSetupSpecFixture.started)
    }

    /** The message of the one failure running {@code spec} reports. */
    private static String failure(Class<?> spec) {
        def failures = EngineTestKit.engine('spock').selectors(selectClass(spec)).execute().allEvents().failed().list()
        assert failures.size() == 1
        failures[0].getPayload(org.junit.platform.engine.TestExecutionResult).get().throwable.get().message
    }
}
