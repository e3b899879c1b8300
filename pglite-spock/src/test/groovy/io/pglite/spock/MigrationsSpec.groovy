package io.pglite.spock

import io.pglite.core.Pglite
import spock.lang.Shared
import spock.lang.Specification

@PgliteSpec(migrations = 'classpath:db/migration', migrationSettings = 'flyway.placeholders.first=apple', database = 'shop')
class MigrationsSpec extends Specification {
    @Shared Pglite pg

    def "the migrations ran (through pglite-flyway) on the named database"() {
        expect:
        pg.query('SELECT name FROM item').singleValue() == 'apple'
        pg.query('SELECT current_database()').singleValue() == 'shop'
    }
}
