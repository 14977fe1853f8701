package dev.vigil.detection;

import dev.vigil.detect.DetectionEngine;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleError;
import dev.vigil.rule.RuleParser;
import dev.vigil.rule.RuleSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The active rules and their reloads. A reload parses the default pack and every configured
 * file; with any error the running rules stay and the errors are kept for {@code GET /v1/rules}
 * and the dashboard; without, the engine swaps rules on its own thread, keeping the window state
 * of unchanged rules.
 */
public final class RuleService {
    /** The outcome of the latest reload attempt. */
    public record ReloadResult(boolean applied, Instant at, List<RuleError> errors, int rules) {}

    private final List<Path> files;
    private final DetectionEngine engine;
    private final DetectionLoop loop;
    private final Clock clock;
    private volatile RuleSet active;
    private volatile ReloadResult last;

    public RuleService(List<Path> files, RuleSet initial, DetectionEngine engine, DetectionLoop loop, Clock clock) {
        this.files = List.copyOf(files);
        this.active = initial;
        this.engine = engine;
        this.loop = loop;
        this.clock = clock;
        this.last = new ReloadResult(true, clock.instant(), List.of(), initial.enabled().size());
    }

    public List<Path> files() {
        return files;
    }

    public RuleSet active() {
        return active;
    }

    public ReloadResult lastReload() {
        return last;
    }

    public synchronized ReloadResult reload() {
        RuleSet.Loaded loaded = RuleSet.load(files);
        if (!loaded.ok()) {
            last = new ReloadResult(false, clock.instant(), loaded.errors(), active.enabled().size());
            return last;
        }
        try {
            loop.call(() -> {
                engine.replaceRules(loaded.rules());
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reloading rules", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reloading rules failed", e.getCause());
        }
        active = loaded.rules();
        last = new ReloadResult(true, clock.instant(), List.of(), active.enabled().size());
        return last;
    }

    /** Validates a posted rule file without applying it. */
    public static List<RuleError> validate(String name, String yaml) {
        return RuleParser.parse(name, yaml).errors();
    }

    public List<Rule> rules() {
        return active.all();
    }
}
