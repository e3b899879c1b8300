package io.pglite.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encodes a simple-protocol {@code Query} message and decodes the backend's answer into a {@link QueryResult}. */
final class SimpleQuery {
    private SimpleQuery() {
    }

    static byte[] encode(String sql) {
        return io.pglite.core.engine.FrontendMessages.query(sql);
    }

    /** @throws PgliteSqlException for the first ErrorResponse */
    static QueryResult decode(byte[] response) {
        ByteBuffer in = ByteBuffer.wrap(response);
        List<String> columns = List.of();
        List<List<String>> rows = new ArrayList<>();
        QueryResult last = null;
        PgliteSqlException error = null;
        while (in.remaining() >= 5) {
            byte type = in.get();
            int length = in.getInt();
            ByteBuffer body = in.slice();
            body.limit(length - 4);
            in.position(in.position() + length - 4);
            switch (type) {
                case 'T':
                    columns = rowDescription(body);
                    rows = new ArrayList<>();
                    break;
                case 'D':
                    rows.add(dataRow(body));
                    break;
                case 'C':
                    last = new QueryResult(columns, rows, cString(body));
                    columns = List.of();
                    rows = new ArrayList<>();
                    break;
                case 'I':
                    last = new QueryResult(List.of(), List.of(), "");
                    break;
                case 'E':
                    if (error == null) {
                        error = errorResponse(body);
                    }
                    break;
                default:
                    break; // notices, parameter status, ReadyForQuery
            }
        }
        if (error != null) {
            throw error;
        }
        return last != null ? last : new QueryResult(List.of(), List.of(), "");
    }

    private static List<String> rowDescription(ByteBuffer body) {
        int count = body.getShort();
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(cString(body));
            body.position(body.position() + 18); // table oid, attnum, type oid, size, modifier, format
        }
        return names;
    }

    private static List<String> dataRow(ByteBuffer body) {
        int count = body.getShort();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = body.getInt();
            if (length < 0) {
                values.add(null);
            } else {
                values.add(new String(body.array(), body.arrayOffset() + body.position(), length, StandardCharsets.UTF_8));
                body.position(body.position() + length);
            }
        }
        return values;
    }

    private static PgliteSqlException errorResponse(ByteBuffer body) {
        String severity = "ERROR";
        String code = "XX000";
        String message = "";
        String detail = null;
        while (body.hasRemaining()) {
            byte field = body.get();
            if (field == 0) {
                break;
            }
            String value = cString(body);
            switch (field) {
                case 'V': severity = value; break;
                case 'C': code = value; break;
                case 'M': message = value; break;
                case 'D': detail = value; break;
                default: break;
            }
        }
        return new PgliteSqlException(severity, code, message, detail);
    }

    private static String cString(ByteBuffer body) {
        int start = body.position();
        int end = start;
        while (body.get(end) != 0) {
            end++;
        }
        body.position(end + 1);
        return new String(body.array(), body.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
    }
}
