package dev.vigil.ingest;

import java.util.List;

/**
 * The answer to an accepted request (202).
 *
 * @param accepted   events acknowledged: durably stored now or already stored under the same id
 * @param duplicates of those, how many were already stored
 * @param rejected   events refused, by their position in the request
 */
public record IngestResult(int accepted, int duplicates, List<Rejection> rejected) {
    public record Rejection(int index, String error) {}
}
