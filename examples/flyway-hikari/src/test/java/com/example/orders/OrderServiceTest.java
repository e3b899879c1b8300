package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pglite.junit5.PgliteInstance;
import io.pglite.junit5.PgliteJdbcUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application's migrations (src/main/resources/db/migration), applied by Flyway once for every
 * class that names them and cached for the next run; the application's own HikariCP pool, set up
 * from the test database's JDBC URL the way the application would get it from its configuration.
 */
@PgliteInstance(migrations = "classpath:db/migration")
class OrderServiceTest {
    private HikariDataSource pool;
    private OrderService orders;

    @BeforeEach
    void applicationPool(@PgliteJdbcUrl String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(4);
        pool = new HikariDataSource(config);
        orders = new OrderService(pool);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void anOrderTakesTheStock() throws Exception {
        orders.place("BOOK-1", 2);
        assertEquals(1, orders.stock("BOOK-1"));
    }

    @Test
    void everyTestStartsFromTheMigratedStock() throws Exception {
        assertEquals(3, orders.stock("BOOK-1"));
        assertEquals(10, orders.stock("BOOK-2"));
    }

    @Test
    void tooLittleStockChangesNothing() throws Exception {
        assertThrows(IllegalStateException.class, () -> orders.place("BOOK-1", 4));
        assertEquals(3, orders.stock("BOOK-1"));
    }
}
