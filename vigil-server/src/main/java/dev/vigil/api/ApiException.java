package dev.vigil.api;

/** Ends a request with an HTTP error status and a JSON body {@code {"error": message}}. */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
