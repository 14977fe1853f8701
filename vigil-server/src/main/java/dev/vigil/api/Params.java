package dev.vigil.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query parameters shared by the list endpoints, each refused with its name when malformed. */
final class Params {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private Params() {}

    static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) return DEFAULT_PAGE;
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "limit: not a whole number: '" + text + "'");
        }
        if (limit < 1 || limit > MAX_PAGE) throw new ApiException(400, "limit: must be between 1 and " + MAX_PAGE);
        return limit;
    }

    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    static Instant instant(Context ctx, String param) {
        String value = ctx.queryParam(param);
        if (value == null) return null;
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(400, param + ": not an ISO-8601 instant such as 2026-11-29T04:00:00Z: '" + value + "'");
        }
        // Instant reaches a billion years each way; microseconds and milliseconds since the epoch do not.
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new ApiException(400, param + ": must be between years 0 and 9999: '" + value + "'");
        }
        return instant;
    }
}
