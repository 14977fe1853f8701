package dev.vigil.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.config.Json;
import dev.vigil.store.Database;
import dev.vigil.store.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The control documents of all agents: saved in the database, loaded once at start, and served
 * from memory; every change is saved, then pushed to the agent's subscribers (SSE streams). An
 * agent without a stored document is running with nothing pending; reading it stores nothing,
 * so looking up arbitrary ids does not grow the cache.
 *
 * <p>Concurrency: changes to one agent's document are serialized by that agent's entry in
 * {@link #locks}, so concurrent changes never lose a version; subscribers are called after the
 * save, outside the lock.
 */
public final class ControlPlane {
    private final Database db;
    private final Clock clock;
    private final Map<String, ControlDocument> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<ControlDocument>>> subscribers = new ConcurrentHashMap<>();
    /** Told about every agent's changes (the operators' live stream); must not block. */
    private final List<Consumer<ControlDocument>> everyAgent = new CopyOnWriteArrayList<>();

    public ControlPlane(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT body FROM agent_control");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ControlDocument d = Json.MAPPER.readValue(rs.getString(1), ControlDocument.class);
                cache.put(d.agent(), d);
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new StorageException("reading control documents failed: " + e.getMessage(), e);
        }
    }

    public ControlDocument document(String agent) {
        ControlDocument d = cache.get(agent);
        return d != null ? d : ControlDocument.initial(agent);
    }

    /** Every agent that has a stored document, by id. */
    public List<ControlDocument> all() {
        List<ControlDocument> out = new ArrayList<>(cache.values());
        out.sort(java.util.Comparator.comparing(ControlDocument::agent));
        return out;
    }

    /** @param incident the incident whose playbook pauses the agent; null for an operator's pause */
    public ControlDocument pause(String agent, String reason, String incident) {
        return change(agent, d -> d.next(ControlDocument.PAUSED, reason, clock.instant(), incident, d.directives(), d.telemetry()));
    }

    /** Resumes the agent; the returned pair says which incident's pause this reverted, if any. */
    public Resumed resume(String agent, String reason) {
        String[] revertedIncident = new String[1];
        ControlDocument next = change(agent, d -> {
            revertedIncident[0] = d.paused() ? d.pausedBy() : null;
            return d.next(ControlDocument.RUNNING, reason, clock.instant(), null, d.directives(), d.telemetry());
        });
        return new Resumed(next, revertedIncident[0]);
    }

    /** @param reverted the incident whose pause was reverted, or null */
    public record Resumed(ControlDocument document, String reverted) {
        /** For the reverted incident's timeline. */
        public String describe() {
            return "agent " + document.agent() + " resumed: " + document.reason();
        }
    }

    public ControlDocument addDirective(String agent, ControlDocument.Directive directive) {
        return change(agent, d -> {
            List<ControlDocument.Directive> next = new ArrayList<>(d.directives());
            next.add(directive);
            return d.next(d.state(), d.reason(), d.since(), d.pausedBy(), next, d.telemetry());
        });
    }

    /** Removes a directive; returns it, or empty when the agent had no such directive. */
    public Optional<ControlDocument.Directive> removeDirective(String agent, String id) {
        ControlDocument.Directive[] removed = new ControlDocument.Directive[1];
        change(agent, d -> {
            List<ControlDocument.Directive> next = new ArrayList<>();
            for (ControlDocument.Directive x : d.directives()) {
                if (x.id().equals(id)) removed[0] = x;
                else next.add(x);
            }
            return removed[0] == null ? d : d.next(d.state(), d.reason(), d.since(), d.pausedBy(), next, d.telemetry());
        });
        return Optional.ofNullable(removed[0]);
    }

    public ControlDocument telemetry(String agent, ControlDocument.Telemetry telemetry) {
        return change(agent, d -> d.next(d.state(), d.reason(), d.since(), d.pausedBy(), d.directives(), telemetry));
    }

    /** Directives past their expiry, of every agent in the cache or the database. */
    public List<ControlDocument> withExpired(Instant now) {
        List<ControlDocument> out = new ArrayList<>();
        for (ControlDocument d : all()) {
            boolean expired = d.directives().stream().anyMatch(x -> !x.expiresAt().isAfter(now));
            boolean telemetryDue = d.telemetry().until() != null && !d.telemetry().until().isAfter(now);
            if (expired || telemetryDue) out.add(d);
        }
        return out;
    }

    /**
     * Deletes the agent's stored document (it reads as {@link ControlDocument#initial} again):
     * for an agent that is gone, such as a drill's. Refused while the agent is paused, so
     * forgetting never lets a paused agent run: resume it first.
     *
     * @return whether there was a stored document
     * @throws Paused when the agent is paused
     */
    public boolean forget(String agent) {
        synchronized (locks.computeIfAbsent(agent, a -> new Object())) {
            ControlDocument current = cache.get(agent);
            if (current == null) return false;
            if (current.paused()) throw new Paused(agent);
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("DELETE FROM agent_control WHERE agent = ?")) {
                s.setString(1, agent);
                s.executeUpdate();
            } catch (SQLException e) {
                throw new StorageException("deleting the control document of " + agent + " failed: " + e.getMessage(), e);
            }
            cache.remove(agent);
            return true;
        }
    }

    /** Refused: the agent is paused, and forgetting it would let it run. */
    public static final class Paused extends IllegalStateException {
        public Paused(String agent) {
            super("agent " + agent + " is paused: resume it before forgetting it");
        }
    }

    /** Calls {@code listener} with the current document now and with every later version, until unsubscribed. */
    public Runnable subscribe(String agent, Consumer<ControlDocument> listener) {
        List<Consumer<ControlDocument>> list = subscribers.computeIfAbsent(agent, a -> new CopyOnWriteArrayList<>());
        list.add(listener);
        listener.accept(document(agent));
        return () -> list.remove(listener);
    }

    /** Calls {@code listener} with every later change of any agent, until unsubscribed. */
    public Runnable subscribeAll(Consumer<ControlDocument> listener) {
        everyAgent.add(listener);
        return () -> everyAgent.remove(listener);
    }

    private ControlDocument change(String agent, UnaryOperator<ControlDocument> update) {
        ControlDocument next;
        synchronized (locks.computeIfAbsent(agent, a -> new Object())) {
            ControlDocument current = document(agent);
            next = update.apply(current);
            if (next == current) return current;
            save(next);
            cache.put(agent, next);
        }
        for (Consumer<ControlDocument> s : subscribers.getOrDefault(agent, List.of())) s.accept(next);
        for (Consumer<ControlDocument> s : everyAgent) s.accept(next);
        return next;
    }

    private void save(ControlDocument d) {
        String sql = "INSERT INTO agent_control (agent, version, body) VALUES (?, ?, ?) "
                + "ON CONFLICT (agent) DO UPDATE SET version = excluded.version, body = excluded.body";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, d.agent());
            s.setLong(2, d.version());
            s.setString(3, Json.MAPPER.writeValueAsString(d));
            s.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new StorageException("saving the control document of " + d.agent() + " failed: " + e.getMessage(), e);
        }
    }
}
