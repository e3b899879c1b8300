package io.pglite.spock

import io.pglite.core.Pglite
import spock.lang.Shared
import spock.lang.Specification

@PgliteSpec(reset = PgliteSpec.Reset.NONE, initScripts = 'db/schema.sql')
class ResetNoneSpec extends Specification {
    @Shared Pglite pg

    def "a feature writes"() {
        expect:
        pg.query("INSERT INTO note (text) VALUES ('kept')").commandTag() == 'INSERT 0 1'
    }

    def "the next feature sees it"() {
        expect:
        pg.query('SELECT count(*) FROM note').singleValue() == '2'
    }
}
