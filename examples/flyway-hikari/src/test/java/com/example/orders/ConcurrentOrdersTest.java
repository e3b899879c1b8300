package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pglite.junit5.PgliteInstance;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Several threads placing orders at once through the extension's pooled DataSource: PostgreSQL's
 * row locks and CHECK constraint keep the stock right. Runs in parallel with OrderServiceTest; the
 * migrations are not run again for it.
 */
@PgliteInstance(migrations = "classpath:db/migration")
class ConcurrentOrdersTest {

    @RepeatedTest(3)
    void tenBuyersForTenBooks(DataSource dataSource) throws Exception {
        OrderService orders = new OrderService(dataSource);
        ExecutorService buyers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> placed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                placed.add(buyers.submit(() -> orders.place("BOOK-2", 1)));
            }
            for (Future<Long> order : placed) {
                order.get();
            }
        } finally {
            buyers.shutdown();
        }
        assertEquals(0, orders.stock("BOOK-2"));
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            assertEquals(10, rs.getInt(1), "every repetition starts with no orders");
        }
    }
}
