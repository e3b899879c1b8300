package io.pglite.benchmarks.suite;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The {@value #METHODS} test methods every class of the synthetic suite has: odd ones take a
 * {@code DataSource} and open a connection from it, even ones take a {@code Connection}; each
 * inserts rows of its own and checks it sees exactly those and the class setup's
 * ({@link SuiteWork}). Whatever extension the subclass registers provides the database and
 * resets it between methods.
 */
public abstract class SuiteTests {
    public static final int METHODS = 20;

    @Test
    void m01(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m01");
    }

    @Test
    void m02(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m02");
    }

    @Test
    void m03(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m03");
    }

    @Test
    void m04(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m04");
    }

    @Test
    void m05(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m05");
    }

    @Test
    void m06(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m06");
    }

    @Test
    void m07(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m07");
    }

    @Test
    void m08(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m08");
    }

    @Test
    void m09(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m09");
    }

    @Test
    void m10(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m10");
    }

    @Test
    void m11(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m11");
    }

    @Test
    void m12(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m12");
    }

    @Test
    void m13(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m13");
    }

    @Test
    void m14(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m14");
    }

    @Test
    void m15(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m15");
    }

    @Test
    void m16(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m16");
    }

    @Test
    void m17(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m17");
    }

    @Test
    void m18(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m18");
    }

    @Test
    void m19(DataSource dataSource) throws SQLException {
        SuiteWork.run(dataSource, getClass().getSimpleName() + ".m19");
    }

    @Test
    void m20(Connection connection) throws SQLException {
        SuiteWork.run(connection, getClass().getSimpleName() + ".m20");
    }
}
