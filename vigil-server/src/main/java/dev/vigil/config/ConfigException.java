package dev.vigil.config;

/** The configuration is unusable; the message names the file, the key and the line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
