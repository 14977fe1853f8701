package dev.vigil.notify;

import java.util.Collection;
import java.util.Map;

/** The configured channels by name; the integrations that build them are listed in {@code dev.vigil.server.Integrations}. */
public final class Channels {
    private final Map<String, Channel> byName;

    public Channels(Map<String, Channel> byName) {
        this.byName = Map.copyOf(byName);
    }
    public Channel get(String name) {
        return byName.get(name);
    }

    /** In name order. */
    public Collection<Channel> all() {
        return byName.values().stream().sorted(java.util.Comparator.comparing(Channel::name)).toList();
    }

    /** The first ticket channel, for the default critical playbook; null when there is none. */
    public String firstTicketChannel() {
        return byName.values().stream().filter(Channel::tickets).map(Channel::name).findFirst().orElse(null);
    }
}
