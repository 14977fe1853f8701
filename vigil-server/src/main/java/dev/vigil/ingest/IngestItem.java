package dev.vigil.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One would-be event of a request, in the wire format of DESIGN §3, before validation: its JSON,
 * or why that element of the request could not even be decoded.
 */
public record IngestItem(JsonNode json, String error) {
    public static IngestItem of(JsonNode json) {
        return new IngestItem(json, null);
    }

    public static IngestItem undecodable(String error) {
        return new IngestItem(null, error);
    }
}
