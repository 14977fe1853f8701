package dev.vigil.notify;

import java.time.Duration;
import java.util.Set;

/**
 * What every channel's configuration has, whatever its type; each integration reads the rest
 * into a configuration record of its own.
 *
 * @param paging  pages a human (PagerDuty is paging by default; the others are not)
 * @param drill   receives notifications of drill incidents (no channel does by default)
 * @param timeout  for each delivery attempt
 * @param retryFor how long a failing delivery to this channel is retried; none: {@code response.retry_for}
 */
public record ChannelSettings(String type, Boolean paging, Boolean drill, Duration timeout, Duration retryFor) {
    /** The keys of these settings, taken out of a channel's configuration before its integration reads the rest. */
    public static final Set<String> KEYS = Set.of("type", "paging", "drill", "timeout", "retry_for");

    public ChannelSettings {
        if (paging == null) paging = "pagerduty".equals(type);
        if (drill == null) drill = false;
        if (timeout == null) timeout = Duration.ofSeconds(10);
    }
}
