package dev.vigil.detection;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the rules when a configured rule file changes. Editors write files in several steps
 * (truncate, write, rename), so changes are collected for {@link #SETTLE_MILLIS} before one
 * reload.
 */
public final class RuleWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleWatcher.class);
    private static final long SETTLE_MILLIS = 300;

    private final WatchService watcher;
    private final Thread thread;

    private RuleWatcher(WatchService watcher, Set<Path> files, RuleService rules) {
        this.watcher = watcher;
        this.thread = Thread.ofPlatform().name("vigil-rule-watch").daemon().start(() -> watch(files, rules));
    }

    /** Starts watching, or returns null when there are no rule files. */
    public static RuleWatcher start(RuleService rules) throws IOException {
        List<Path> files = rules.files();
        if (files.isEmpty()) return null;
        WatchService watcher = FileSystems.getDefault().newWatchService();
        Set<Path> absolute = new HashSet<>();
        Set<Path> dirs = new HashSet<>();
        for (Path f : files) {
            Path abs = f.toAbsolutePath().normalize();
            absolute.add(abs);
            dirs.add(abs.getParent());
        }
        for (Path dir : dirs) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
        return new RuleWatcher(watcher, absolute, rules);
    }

    private void watch(Set<Path> files, RuleService rules) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean relevant = drain(key, files);
                // Let the editor finish, folding further changes into this reload.
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) relevant |= drain(more, files);
                if (!relevant) continue;
                RuleService.ReloadResult r = rules.reload();
                if (r.applied()) log.info("rule files changed: reloaded {} rules", r.rules());
                else log.warn("rule files changed but are invalid; the running rules stay: {}", r.errors());
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("rule watch stopped", e);
        }
    }

    private static boolean drain(WatchKey key, Set<Path> files) {
        boolean relevant = false;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name && files.contains(dir.resolve(name).normalize())) relevant = true;
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        thread.interrupt();
    }
}
