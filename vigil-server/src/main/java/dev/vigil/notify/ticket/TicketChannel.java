package dev.vigil.notify.ticket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Escape;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Markup;
import dev.vigil.notify.Notification;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens a ticket for an incident. Flavours: {@code generic} (a JSON POST; the answer's
 * {@code id} or {@code url} is kept), {@code github} (the issues API: {@code url} is
 * {@code .../repos/OWNER/REPO/issues}; keeps {@code html_url}), {@code jira} (REST create issue:
 * {@code url} is {@code .../rest/api/2/issue}, {@code project} the project key; keeps {@code key}).
 *
 * <p>Outside text is escaped for what renders it: GitHub renders bodies as Markdown with inline
 * HTML ({@link Markup#MARKDOWN}), Jira descriptions are wiki markup ({@link Markup#JIRA}); the
 * generic flavour sends a plain body and the incident as JSON, for the receiver to show as it
 * must. Titles are plain text without tags ({@link Escape#noTags}), cut to what the trackers take.
 */
public final class TicketChannel extends ConfiguredChannel {
    /** GitHub refuses issue titles over 256 characters; Jira summaries over 255. */
    static final int GITHUB_TITLE_MAX = 256, JIRA_SUMMARY_MAX = 255;

    /**
     * @param flavour generic (the default), github or jira
     * @param token   sent as a bearer token
     * @param project the Jira project key
     */
    public record Config(String url, String flavour, String token, String project) {
        @Override
        public String toString() {
            return "TicketChannel.Config[url=" + url + ", flavour=" + flavour + ", token=***, project=" + project + "]";
        }
    }

    private final Config config;
    private final String flavour;

    public TicketChannel(String name, ChannelSettings settings, Config config) {
        super(name, settings);
        require("url", config.url());
        this.config = config;
        this.flavour = config.flavour() == null ? "generic" : config.flavour();
        if (!flavour.equals("generic") && !flavour.equals("github") && !flavour.equals("jira")) {
            throw new IllegalArgumentException("channels." + name + ".flavour must be generic, github or jira, not '" + flavour + "'");
        }
        if (flavour.equals("jira") && config.project() == null) throw new IllegalArgumentException("channels." + name + ".project is required for jira");
    }

    @Override
    public boolean tickets() {
        return true;
    }

    public Delivery deliver(Notification n) {
        if (n.kind() != Notification.Kind.TICKET) return Delivery.fail("a ticket channel only opens tickets");
        ObjectNode body = Json.MAPPER.createObjectNode();
        String title = Escape.noTags(n.headline());
        Map<String, String> headers = new HashMap<>();
        if (config.token() != null) headers.put("Authorization", "Bearer " + config.token());
        switch (flavour) {
            case "github" -> {
                body.put("title", Escape.truncate(title, GITHUB_TITLE_MAX));
                body.put("body", n.body(Markup.MARKDOWN));
                body.putArray("labels").add("vigil").add(n.incident().severity().wire());
                headers.put("Accept", "application/vnd.github+json");
            }
            case "jira" -> {
                ObjectNode fields = body.putObject("fields");
                fields.putObject("project").put("key", config.project());
                fields.put("summary", Escape.truncate(title, JIRA_SUMMARY_MAX));
                fields.put("description", n.body(Markup.JIRA));
                fields.putObject("issuetype").put("name", "Bug");
            }
            default -> {
                body.put("title", title);
                body.put("body", n.body());
                body.set("incident", Json.MAPPER.valueToTree(n.incident()));
            }
        }
        HttpDelivery.Answer answer = HttpDelivery.post(config.url(), body.toString(), headers, settings.timeout());
        if (!answer.delivery().ok()) return answer.delivery();
        try {
            JsonNode created = Json.MAPPER.readTree(answer.body() == null ? "{}" : answer.body());
            String reference = switch (flavour) {
                case "github" -> created.path("html_url").asText(created.path("number").asText(""));
                case "jira" -> created.path("key").asText("");
                default -> created.path("url").asText(created.path("id").asText(""));
            };
            return Delivery.ticket(reference.isEmpty() ? "created" : reference);
        } catch (Exception e) {
            return Delivery.ticket("created");
        }
    }
}
