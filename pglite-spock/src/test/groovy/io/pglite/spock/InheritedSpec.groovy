package io.pglite.spock

import javax.sql.DataSource
import spock.lang.Shared
import spock.lang.Specification

@PgliteSpec(initScripts = 'db/schema.sql')
abstract class DatabaseSpecBase extends Specification {
    @Shared DataSource dataSource
}

class InheritedSpec extends DatabaseSpecBase {
    def "a subclass gets the base specification's instance and fields"() {
        expect:
        dataSource.connection.withCloseable { it.createStatement().executeQuery('SELECT count(*) FROM note').with { next(); getInt(1) } } == 1
    }
}

@PgliteSpec(database = 'own')
class OverridingSpec extends DatabaseSpecBase {
    def "a subclass's own @PgliteSpec replaces the base's"() {
        expect:
        dataSource.connection.withCloseable { it.createStatement().executeQuery('SELECT current_database(), to_regclass(\'note\') IS NULL').with { next(); [getString(1), getBoolean(2)] } } == ['own', true]
    }
}
