package com.example.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Places orders: takes the stock and records the order in one transaction. The code under test. */
public final class OrderService {
    private final DataSource dataSource;

    public OrderService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Places an order and returns its id.
     *
     * @throws IllegalStateException when the stock is too low; nothing is changed then
     */
    public long place(String sku, int quantity) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement take = connection.prepareStatement(
                        "UPDATE product SET stock = stock - ? WHERE sku = ? AND stock >= ?")) {
                    take.setInt(1, quantity);
                    take.setString(2, sku);
                    take.setInt(3, quantity);
                    if (take.executeUpdate() != 1) {
                        throw new IllegalStateException("not enough " + sku + " in stock for " + quantity);
                    }
                }
                long id;
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (sku, quantity) VALUES (?, ?) RETURNING id")) {
                    insert.setString(1, sku);
                    insert.setInt(2, quantity);
                    try (ResultSet rs = insert.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                }
                connection.commit();
                return id;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** What is left of a product. */
    public int stock(String sku) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT stock FROM product WHERE sku = ?")) {
            select.setString(1, sku);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no product " + sku);
                }
                return rs.getInt(1);
            }
        }
    }
}
