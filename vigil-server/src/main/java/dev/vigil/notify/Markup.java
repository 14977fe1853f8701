package dev.vigil.notify;

import java.util.List;

/**
 * How one channel's markup shows text that Vigil did not write. Agent names, rule titles, run ids
 * and event details come from agents and rule files: put into a Slack message, an issue or an
 * HTML mail as they are, {@code <!channel>} pings a whole Slack channel, {@code <img onerror=…>}
 * runs in whoever renders the ticket, and {@code [click me](https://evil.example)} becomes a
 * link. Each channel renders its messages through its own markup: {@link #text} for every
 * outside string, {@link #link} for Vigil's own links, {@link #lines} to join lines.
 */
public interface Markup {
    /** Outside text, made inert in this markup. */
    String text(String s);

    /** A link Vigil built (never an outside URL), with a label of Vigil's own. */
    String link(String url, String label);

    /** Lines as separate lines of this markup. */
    default String lines(List<String> lines) {
        return String.join("\n", lines);
    }

    /** Plain text (subjects, PagerDuty, Alertmanager, text/plain mail): only control characters go. */
    Markup PLAIN = new Markup() {
        public String text(String s) {
            return Escape.controls(s);
        }

        public String link(String url, String label) {
            return url;
        }
    };

    /**
     * Slack mrkdwn: Slack reads {@code &}, {@code <} and {@code >} as its control characters
     * (links, mentions such as {@code <!channel>}) and wants exactly those three as HTML entities,
     * no others (it would show {@code &#39;} as typed).
     */
    Markup SLACK = new Markup() {
        public String text(String s) {
            return Escape.controls(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }

        public String link(String url, String label) {
            return "<" + url + "|" + label + ">";
        }
    };

    /** HTML (the mail's text/html part): the five characters that can open or end markup or an attribute. */
    Markup HTML = new Markup() {
        public String text(String s) {
            return Escape.html(s);
        }

        public String link(String url, String label) {
            return "<a href=\"" + Escape.html(url) + "\">" + Escape.html(label) + "</a>";
        }

        @Override
        public String lines(List<String> lines) {
            return String.join("<br>\n", lines);
        }
    };

    /**
     * Markdown as GitHub renders it, which passes inline HTML through: HTML's characters become
     * entities and Markdown's inline punctuation is backslash-escaped (CommonMark lets any ASCII
     * punctuation be), so no emphasis, code, link, image or table comes out of outside text.
     */
    Markup MARKDOWN = new Markup() {
        public String text(String s) {
            return Escape.markdown(s);
        }

        public String link(String url, String label) {
            return "[" + label + "](" + url + ")";
        }

        @Override
        public String lines(List<String> lines) {
            return String.join("  \n", lines); // two trailing spaces: a hard line break
        }
    };

    /**
     * Jira's wiki markup (REST API v2 descriptions): its formatting characters are backslash-escaped
     * ({@code {html}} macros, {@code [links|…]}, {@code !images!}, tables, emphasis).
     */
    Markup JIRA = new Markup() {
        public String text(String s) {
            return Escape.jira(s);
        }

        public String link(String url, String label) {
            return "[" + label + "|" + url + "]";
        }
    };
}
