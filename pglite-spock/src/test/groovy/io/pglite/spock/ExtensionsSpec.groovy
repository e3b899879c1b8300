package io.pglite.spock

import javax.sql.DataSource
import spock.lang.Shared
import spock.lang.Specification

@PgliteSpec(extensions = ['pg_trgm', 'vector'])
class ExtensionsSpec extends Specification {
    @Shared DataSource dataSource

    def "the extensions are created before the specification runs"() {
        expect:
        dataSource.connection.withCloseable {
            it.createStatement().executeQuery("SELECT similarity('word', 'words'), '[3,4]'::vector <-> '[0,0]'")
                    .with { next(); [getFloat(1), getDouble(2)] }
        } == [0.5714286f, 5.0d]
    }
}
