package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request body into one JSON value per event: a single object, an array, or NDJSON
 * (one object per line). A body that is not JSON at all is refused as a whole; in NDJSON a bad
 * line is refused alone, because each line stands on its own.
 */
final class BodyDecoder {
    private final ObjectMapper mapper;
    private final int maxNesting;
    private final int maxEvents;

    BodyDecoder(int maxNesting, int maxEvents) {
        this.maxNesting = maxNesting;
        this.maxEvents = maxEvents;
        this.mapper = Json.nestingBounded(maxNesting);
    }

    List<IngestItem> decode(byte[] body, boolean ndjson) {
        return ndjson ? lines(body) : document(body);
    }

    private List<IngestItem> document(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw tooDeep();
        } catch (JsonProcessingException e) {
            throw new IngestException(400, "body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"
                    + "; send several events as a JSON array, or as NDJSON with Content-Type: application/x-ndjson");
        } catch (IOException e) {
            throw new IngestException(400, "body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) throw new IngestException(400, "body is empty: send one event, an array of events, or NDJSON");
        if (!root.isArray()) return List.of(IngestItem.of(root));
        checkCount(root.size());
        List<IngestItem> items = new ArrayList<>(root.size());
        for (JsonNode element : root) items.add(IngestItem.of(element));
        return items;
    }

    private List<IngestItem> lines(byte[] body) {
        List<IngestItem> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i < body.length && body[i] != '\n') continue;
            int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
            if (!blank(body, start, end)) {
                checkCount(items.size() + 1);
                items.add(line(body, start, end, items.size() + 1));
            }
            start = i + 1;
        }
        if (items.isEmpty()) throw new IngestException(400, "body is empty: NDJSON needs one event per line");
        return items;
    }

    private IngestItem line(byte[] body, int start, int end, int lineNumber) {
        try {
            return IngestItem.of(mapper.readTree(body, start, end - start));
        } catch (StreamConstraintsException e) {
            throw tooDeep();
        } catch (JsonProcessingException e) {
            return IngestItem.undecodable("line " + lineNumber + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return IngestItem.undecodable("line " + lineNumber + " could not be read: " + e.getMessage());
        }
    }

    private IngestException tooDeep() {
        return new IngestException(400, "body nests JSON deeper than the limit of " + maxNesting + " levels");
    }

    private void checkCount(int count) {
        if (count > maxEvents) {
            throw new IngestException(413, "more than " + maxEvents + " events in one request; split the batch");
        }
    }

    private static boolean blank(byte[] body, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r') return false;
        }
        return true;
    }
}
