package dev.vigil.store;

/** The database failed; the request that caused it may be retried. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
