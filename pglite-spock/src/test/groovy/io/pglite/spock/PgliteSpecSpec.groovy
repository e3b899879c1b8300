package io.pglite.spock

import io.pglite.core.Pglite
import java.sql.Connection
import javax.sql.DataSource
import org.postgresql.ds.PGSimpleDataSource
import spock.lang.Shared
import spock.lang.Specification

// features run in declaration order: the reset checks rely on it
@PgliteSpec(initScripts = '/db/schema.sql')
class PgliteSpecSpec extends Specification {
    @Shared DataSource dataSource
    @Shared Pglite pg
    @Shared @PgliteJdbcUrl String url
    @Shared DataSource ownDataSource = new PGSimpleDataSource()
    DataSource perIterationDataSource
    @PgliteJdbcUrl String perIterationUrl

    def setupSpec() {
        // the fields are set before setupSpec, and what it writes is in the snapshot
        pg.query("INSERT INTO note (text) VALUES ('from setupSpec')")
    }

    def "shared fields are set; a field with a value is left alone"() {
        expect:
        dataSource != null
        url == pg.jdbcUrl()
        url.startsWith('jdbc:postgresql://127.0.0.1:')
        ownDataSource instanceof PGSimpleDataSource
        count() == 2
    }

    def "other fields are set before each iteration"() {
        expect:
        perIterationDataSource.is(dataSource)
        perIterationUrl == url
    }

    def "the init script ran, dollar-quoted body and all"() {
        expect:
        pg.query('SELECT note_count()').singleValue() == '2'
    }

    def "a feature writes"() {
        when:
        insert('from a feature')

        then:
        count() == 3
    }

    def "the previous feature's row is gone, the init script's and setupSpec's are there"() {
        expect:
        texts() == ['from the init script', 'from setupSpec']
    }

    def "each iteration starts from the snapshot"() {
        when:
        insert("iteration $i")

        then:
        count() == 3

        where:
        i << [1, 2, 3]
    }

    private void insert(String text) {
        dataSource.connection.withCloseable { Connection c ->
            def statement = c.prepareStatement('INSERT INTO note (text) VALUES (?)')
            statement.setString(1, text)
            statement.executeUpdate()
        }
    }

    private int count() {
        dataSource.connection.withCloseable { Connection c ->
            def rs = c.createStatement().executeQuery('SELECT count(*) FROM note')
            rs.next()
            rs.getInt(1)
        }
    }

    private List<String> texts() {
        pg.query('SELECT text FROM note ORDER BY id').rows().collect { it[0] }
    }
}
