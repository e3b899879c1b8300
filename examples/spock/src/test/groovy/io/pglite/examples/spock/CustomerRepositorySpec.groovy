package io.pglite.examples.spock

import io.pglite.spock.PgliteSpec
import java.sql.SQLException
import javax.sql.DataSource
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Subject

// One PostgreSQL instance for the specification: db/schema.sql runs, then setupSpec(); every
// feature (every iteration) starts from the state after setupSpec().
@PgliteSpec(initScripts = 'db/schema.sql')
class CustomerRepositorySpec extends Specification {
    @Shared DataSource dataSource      // set by @PgliteSpec: a connection pool on the instance

    @Subject CustomerRepository repository = new CustomerRepository(dataSource)

    def setupSpec() {
        // shared test data: in every feature, whatever the features before it wrote
        new CustomerRepository(dataSource).add('ada@example.com', 'Ada')
    }

    def "adds a customer and finds it by email"() {
        when:
        def added = repository.add('grace@example.com', 'Grace')

        then:
        repository.findByEmail('grace@example.com') == Optional.of(added)
    }

    def "starts from the state after setupSpec, whatever the feature before added"() {
        expect:
        repository.findAll()*.name == ['Ada']
    }

    def "refuses a second customer with the same email"() {
        when:
        repository.add('ada@example.com', 'Another Ada')

        then:
        def e = thrown(SQLException)
        e.SQLState == '23505' // unique_violation
    }

    def "adds #name"() {
        when:
        repository.add(email, name)

        then:
        repository.findAll()*.name == expected

        where:
        email                 | name      || expected
        'alan@example.com'    | 'Alan'    || ['Ada', 'Alan']
        'barbara@example.com' | 'Barbara' || ['Ada', 'Barbara']
    }
}
