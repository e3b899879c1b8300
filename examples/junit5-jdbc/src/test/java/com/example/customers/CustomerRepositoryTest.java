package com.example.customers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pglite.core.Pglite;
import io.pglite.junit5.PgliteInstance;
import io.pglite.junit5.PgliteJdbcUrl;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One PostgreSQL instance for the class: the schema script and {@code @BeforeAll} run once, and every
 * test method starts from that state again (the extension restores a snapshot before each one).
 */
@PgliteInstance(initScripts = "db/schema.sql")
class CustomerRepositoryTest {

    @BeforeAll
    static void seed(DataSource dataSource) throws SQLException {
        new CustomerRepository(dataSource).save("Ada", "ada@example.com");
    }

    @Test
    void savesAndFinds(DataSource dataSource) throws SQLException {
        CustomerRepository customers = new CustomerRepository(dataSource);
        customers.save("Grace", "grace@example.com");
        assertEquals(Optional.of("Grace"), customers.nameByEmail("GRACE@example.com"));
        assertEquals(List.of("Ada", "Grace"), customers.names());
    }

    @Test
    void seesOnlyTheSeedNotTheOtherTestsRows(DataSource dataSource) throws SQLException {
        assertEquals(List.of("Ada"), new CustomerRepository(dataSource).names());
    }

    @Test
    void theUniqueIndexIsRealPostgreSql(DataSource dataSource) {
        CustomerRepository customers = new CustomerRepository(dataSource);
        SQLException duplicate = assertThrows(SQLException.class, () -> customers.save("Ada again", "ADA@example.com"));
        assertEquals("23505", duplicate.getSQLState()); // unique_violation
    }

    @ParameterizedTest
    @ValueSource(strings = {"Linus", "Barbara", "Edsger"})
    void eachParameterStartsClean(String name, DataSource dataSource) throws SQLException {
        CustomerRepository customers = new CustomerRepository(dataSource);
        customers.save(name, name.toLowerCase() + "@example.com");
        assertEquals(2, customers.names().size());
    }

    @Test
    void theInstanceAndItsUrlForAPsqlSession(Pglite pg, @PgliteJdbcUrl String url) {
        // paused in a debugger, connect with: psql -h 127.0.0.1 -p <port> -U postgres
        assertEquals("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", url);
        assertEquals("1", pg.query("SELECT count(*) FROM customer").singleValue());
    }
}
