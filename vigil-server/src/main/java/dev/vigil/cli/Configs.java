package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the configuration the way every command does: {@code --config}, else {@code ./vigil.yaml}, else defaults. */
final class Configs {
    private Configs() {}

    static VigilConfig load(Path explicit) {
        Path file = explicit;
        if (file == null && Files.exists(Path.of("vigil.yaml"))) file = Path.of("vigil.yaml");
        return file == null ? VigilConfig.defaults() : ConfigLoader.load(file);
    }
}
