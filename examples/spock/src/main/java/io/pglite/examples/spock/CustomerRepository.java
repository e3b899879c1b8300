package io.pglite.examples.spock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Customers in PostgreSQL (schema in db/schema.sql), through plain JDBC. */
public final class CustomerRepository {
    private final DataSource dataSource;

    public CustomerRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a new customer. */
    public Customer add(String email, String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO customer (email, name) VALUES (?, ?) RETURNING id")) {
            insert.setString(1, email);
            insert.setString(2, name);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return new Customer(rs.getLong(1), email, name);
            }
        }
    }

    /** The customer with {@code email}, if there is one. */
    public Optional<Customer> findByEmail(String email) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id, email, name FROM customer WHERE email = ?")) {
            select.setString(1, email);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(customer(rs)) : Optional.empty();
            }
        }
    }

    /** All customers, by name. */
    public List<Customer> findAll() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT id, email, name FROM customer ORDER BY name");
                ResultSet rs = select.executeQuery()) {
            List<Customer> customers = new ArrayList<>();
            while (rs.next()) {
                customers.add(customer(rs));
            }
            return customers;
        }
    }

    private static Customer customer(ResultSet rs) throws SQLException {
        return new Customer(rs.getLong("id"), rs.getString("email"), rs.getString("name"));
    }
}
